// The policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and the context-key listings.
// It runs the same evaluator as enforcement, so its answers are the enforcement's answers.
#include <set>

#include "core/arn.h"
#include "core/strings.h"
#include "iam/rules.h"
#include "iam/service.h"
#include "policy/aws_managed_policies.h"
#include "policy/json/parse.h"
#include "store/policies.h"

namespace iamd::iam {

using core::ErrorCode;

namespace {

constexpr api::StringRule kPolicyDocument{1, 131072};
constexpr api::StringRule kActionName{3, 128};
constexpr api::StringRule kContextKeyName{5, 256};

struct SourcedPolicy {
  std::string id;
  std::string type;
  std::string document;
};

// Parses and compiles one simulated policy; InvalidInput for a document that is not a policy.
core::Result<std::shared_ptr<const policy::CompiledPolicy>> compile_input(const SourcedPolicy& p) {
  auto parsed = policy::json::parse(p.document, policy::json::ParseMode::Strict);
  if (!parsed) return core::Error{ErrorCode::InvalidInput, parsed.error().message};
  auto compiled = policy::compile(*parsed, policy::PolicySource{p.id, p.type});
  if (!compiled) return core::Error{ErrorCode::InvalidInput, compiled.error().message};
  return *compiled;
}

std::string_view decision_name(policy::Decision d) {
  switch (d) {
    case policy::Decision::Allow: return "allowed";
    case policy::Decision::ExplicitDeny: return "explicitDeny";
    case policy::Decision::ImplicitDeny: return "implicitDeny";
  }
  return "implicitDeny";
}

void write_statements(api::OutNode& list, const policy::Evaluation& ev) {
  for (const auto& m : ev.matched) {
    const policy::PolicySource& source = policy::source_of(*m.policy);
    const policy::Statement& st = policy::model_of(*m.policy).statements[m.statement_index];
    auto& item = list.add_item();
    item.add_string("SourcePolicyId", source.id);
    item.add_string("SourcePolicyType", source.type);
    auto& start = item.add_struct("StartPosition");
    start.add_integer("Line", st.start.line);
    start.add_integer("Column", st.start.column);
    auto& end = item.add_struct("EndPosition");
    end.add_integer("Line", st.end.line);
    end.add_integer("Column", st.end.column);
  }
}

// Every condition key and policy variable a policy refers to, as written (deduplicated
// case-insensitively, first spelling kept).
void collect_keys(const policy::Policy& p, std::vector<std::string>& out, std::set<std::string>& seen) {
  auto add = [&](const std::string& key) {
    if (seen.insert(core::ascii_lower(key)).second) out.push_back(key);
  };
  auto add_variables = [&](const std::string& text) {
    for (size_t pos = text.find("${"); pos != std::string::npos; pos = text.find("${", pos + 2)) {
      size_t end = text.find('}', pos);
      if (end == std::string::npos) break;
      std::string var = text.substr(pos + 2, end - pos - 2);
      var = var.substr(0, var.find(','));
      if (var != "*" && var != "?" && var != "$") add(var);
    }
  };
  for (const auto& st : p.statements) {
    for (const auto& r : st.resources) add_variables(r);
    for (const auto& c : st.conditions) {
      add(c.key);
      for (const auto& v : c.values) add_variables(v);
    }
  }
}

// The policies of a simulated principal (a user, with its groups', a group, or a role).
struct SimulatedSource {
  std::vector<SourcedPolicy> policies;
  std::string boundary_arn;
  std::string user_id;  // the user's or role's unique id
};

core::Result<SimulatedSource> load_source(store::Store& store, const std::string& account,
                                       const std::string& source_arn) {
  auto arn = core::Arn::parse(source_arn);
  if (!arn || arn->service != "iam" || arn->account != account) {
    return core::Error{ErrorCode::InvalidInput, "Invalid PolicySourceArn: " + source_arn};
  }
  std::string_view resource = arn->resource;
  std::string name(resource.substr(resource.rfind('/') + 1));
  SimulatedSource source;
  IAMD_TRY(store.read([&](store::Transaction& tx) -> core::Status {
    store::Entities e(tx);
    store::PolicyEntities pe(tx);
    auto add_entity = [&](store::EntityKind kind, const std::string& id) -> core::Status {
      auto inline_policies = pe.inline_policies(account, kind, id);
      IAMD_TRY(inline_policies);
      for (auto& p : *inline_policies) {
        source.policies.push_back({p.name, std::string(store::kind_name(kind)), p.document});
      }
      auto attached = pe.attached_to(account, kind, id);
      IAMD_TRY(attached);
      for (const auto& a : *attached) {
        if (const auto* aws = policy::find_aws_managed_policy(a)) {
          source.policies.push_back(
              {std::string(aws->name), "aws-managed", std::string(aws->document)});
          continue;
        }
        std::string pname = a.substr(a.rfind('/') + 1);
        auto mp = pe.find_policy(account, pname);
        IAMD_TRY(mp);
        if (!mp->has_value()) continue;
        auto v = pe.find_version(account, pname, (*mp)->default_version_id);
        IAMD_TRY(v);
        if (v->has_value()) source.policies.push_back({(*mp)->name, "user-managed", (*v)->document});
      }
      return {};
    };
    if (resource.starts_with("user/")) {
      auto u = e.find_user(account, name);
      IAMD_TRY(u);
      if (!u->has_value() || user_arn(**u) != source_arn) return no_such_user(name);
      source.user_id = (*u)->id;
      source.boundary_arn = (*u)->permissions_boundary_arn;
      IAMD_TRY(add_entity(store::EntityKind::User, (*u)->id));
      auto groups = e.group_ids_of_user(account, (*u)->id);
      IAMD_TRY(groups);
      for (const auto& g : *groups) IAMD_TRY(add_entity(store::EntityKind::Group, g));
      return {};
    }
    if (resource.starts_with("role/")) {
      auto r = store::RoleEntities(tx).find_role(account, name);
      IAMD_TRY(r);
      if (!r->has_value() || (*r)->arn() != source_arn) return no_such_role(name);
      source.user_id = (*r)->id;
      source.boundary_arn = (*r)->permissions_boundary_arn;
      return add_entity(store::EntityKind::Role, (*r)->id);
    }
    if (resource.starts_with("group/")) {
      auto g = e.find_group(account, name);
      IAMD_TRY(g);
      if (!g->has_value() || group_arn(**g) != source_arn) return no_such_group(name);
      return add_entity(store::EntityKind::Group, (*g)->id);
    }
    return core::Error{ErrorCode::InvalidInput, "Invalid PolicySourceArn: " + source_arn};
  }));
  return source;
}

}  // namespace

core::Result<api::Output> Service::simulate(const api::Context& ctx, api::Input& in,
                                            bool principal) {
  std::optional<std::string> source_arn;
  if (principal) source_arn = in.required_string("PolicySourceArn", rules::kArn);
  auto inputs = in.string_list("PolicyInputList", kPolicyDocument);
  if (!principal && !in.has_list("PolicyInputList")) {
    in.violation("PolicyInputList", std::nullopt, "Member must not be null");
  }
  auto boundaries = in.string_list("PermissionsBoundaryPolicyInputList", kPolicyDocument, 1);
  if (!in.has_list("ActionNames")) in.violation("ActionNames", std::nullopt, "Member must not be null");
  auto actions = in.string_list("ActionNames", kActionName);
  auto resources = in.string_list("ResourceArns", api::StringRule{1, 2048});
  auto resource_policy = in.optional_string("ResourcePolicy", kPolicyDocument);
  auto resource_owner = in.optional_string("ResourceOwner", api::StringRule{1, 2048});
  auto caller_arn = in.optional_string("CallerArn", api::StringRule{1, 2048});
  struct Entry {
    std::string name;
    std::vector<std::string> values;
    bool list;
  };
  std::vector<Entry> entries;
  for (auto& e : in.list("ContextEntries")) {
    Entry entry;
    entry.name = e.optional_string("ContextKeyName", kContextKeyName).value_or("");
    entry.values = e.string_list("ContextKeyValues");
    auto type = e.optional_enum("ContextKeyType",
                                {"string", "stringList", "numeric", "numericList", "boolean",
                                 "booleanList", "ip", "ipList", "binary", "binaryList", "date",
                                 "dateList"});
    entry.list = type && type->ends_with("List");
    entries.push_back(std::move(entry));
  }
  in.optional_string("ResourceHandlingOption", api::StringRule{1, 64});
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, principal ? "iam:SimulatePrincipalPolicy" : "iam:SimulateCustomPolicy",
                     source_arn.value_or("*")));

  // The identity policies: the source principal's, then the input list's.
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
  std::shared_ptr<const policy::CompiledPolicy> boundary;
  policy::PrincipalInfo who;
  who.kind = policy::PrincipalInfo::Kind::User;
  who.account = ctx.caller.account;
  who.arn = caller_arn.value_or(source_arn.value_or(ctx.caller.arn));
  if (source_arn) {
    auto source = load_source(d_.store, ctx.caller.account, *source_arn);
    IAMD_TRY(source);
    who.user_id = source->user_id;
    for (const auto& p : source->policies) {
      auto c = compile_input(p);
      IAMD_TRY(c);
      identity.push_back(*c);
    }
    if (!source->boundary_arn.empty()) boundary = d_.view.managed_policy(source->boundary_arn);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto c = compile_input({"PolicyInputList." + std::to_string(i + 1), "IAM Policy", inputs[i]});
    IAMD_TRY(c);
    identity.push_back(*c);
  }
  if (!boundaries.empty()) {
    auto c = compile_input({"PermissionsBoundaryPolicyInputList.1", "IAM Policy", boundaries[0]});
    IAMD_TRY(c);
    boundary = *c;
  }
  std::shared_ptr<const policy::CompiledPolicy> rbp;
  if (resource_policy) {
    auto c = compile_input({"ResourcePolicy", "Resource Policy", *resource_policy});
    IAMD_TRY(c);
    rbp = *c;
  }

  if (resources.empty()) resources.push_back("*");
  std::vector<api::OutNode> results;
  for (const auto& action : actions) {
    for (const auto& resource : resources) {
      policy::RequestContext rc;
      rc.action = action;
      rc.resource = resource;
      rc.principal = who;
      for (const auto& e : entries) {
        if (e.list) rc.set_multi(e.name, e.values);
        else if (!e.values.empty()) rc.set(e.name, e.values.front());
      }
      policy::EvaluationInput input;
      input.context = &rc;
      for (const auto& p : identity) input.identity.push_back(p.get());
      if (boundary) input.boundary = std::vector<const policy::CompiledPolicy*>{boundary.get()};
      input.resource_policy = rbp.get();
      if (resource_owner && *resource_owner != who.account) input.resource_account = *resource_owner;
      policy::Evaluation ev = policy::evaluate(input);

      api::OutNode r{"member", api::OutNode::Kind::Struct, {}, {}};
      r.add_string("EvalActionName", action);
      r.add_string("EvalResourceName", resource);
      r.add_string("EvalDecision", std::string(decision_name(ev.decision)));
      write_statements(r.add_list("MatchedStatements"), ev);
      auto& missing = r.add_list("MissingContextValues");
      for (const auto& k : ev.missing_context_keys) missing.add_string_item(k);
      r.add_struct("OrganizationsDecisionDetail").add_boolean("AllowedByOrganizations", true);
      if (boundary) {
        policy::Evaluation b = policy::evaluate_one({boundary.get()}, policy::PolicyKind::Boundary, rc);
        r.add_struct("PermissionsBoundaryDecisionDetail")
            .add_boolean("AllowedByPermissionsBoundary", b.decision == policy::Decision::Allow);
      }
      if (resource != "*") r.add_map("EvalDecisionDetails");
      results.push_back(std::move(r));
    }
  }

  size_t start = 0;
  if (page.marker) {
    try {
      start = std::stoul(*page.marker);
    } catch (...) {
      return core::Error{ErrorCode::InvalidInput, "Invalid Marker."};
    }
  }
  api::Output out;
  auto& list = out.result.add_list("EvaluationResults");
  size_t end = std::min(results.size(), start + page.max_items);
  for (size_t i = start; i < end; ++i) list.children.push_back(std::move(results[i]));
  bool truncated = end < results.size();
  out.result.add_boolean("IsTruncated", truncated);
  if (truncated) out.result.add_string("Marker", std::to_string(end));
  return out;
}

core::Result<api::Output> Service::simulate_principal_policy(const api::Context& ctx,
                                                             api::Input& in) {
  return simulate(ctx, in, true);
}

core::Result<api::Output> Service::simulate_custom_policy(const api::Context& ctx, api::Input& in) {
  return simulate(ctx, in, false);
}

core::Result<api::Output> Service::get_context_keys(const api::Context& ctx, api::Input& in,
                                                    bool principal) {
  std::optional<std::string> source_arn;
  if (principal) source_arn = in.required_string("PolicySourceArn", rules::kArn);
  if (!principal && !in.has_list("PolicyInputList")) {
    in.violation("PolicyInputList", std::nullopt, "Member must not be null");
  }
  auto inputs = in.string_list("PolicyInputList", kPolicyDocument);
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, principal ? "iam:GetContextKeysForPrincipalPolicy"
                                    : "iam:GetContextKeysForCustomPolicy",
                     source_arn.value_or("*")));
  std::vector<std::string> documents = inputs;
  if (source_arn) {
    auto source = load_source(d_.store, ctx.caller.account, *source_arn);
    IAMD_TRY(source);
    for (auto& p : source->policies) documents.push_back(std::move(p.document));
  }
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto& doc : documents) {
    auto parsed = policy::json::parse(doc, policy::json::ParseMode::Strict);
    if (!parsed) return core::Error{ErrorCode::InvalidInput, parsed.error().message};
    collect_keys(*parsed, keys, seen);
  }
  api::Output out;
  auto& list = out.result.add_list("ContextKeyNames");
  for (const auto& k : keys) list.add_string_item(k);
  return out;
}

core::Result<api::Output> Service::get_context_keys_for_principal_policy(const api::Context& ctx,
                                                                         api::Input& in) {
  return get_context_keys(ctx, in, true);
}

core::Result<api::Output> Service::get_context_keys_for_custom_policy(const api::Context& ctx,
                                                                      api::Input& in) {
  return get_context_keys(ctx, in, false);
}

}  // namespace iamd::iam
