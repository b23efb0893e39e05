#include "app/policy_batch.h"

#include <boost/json.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/arn.h"
#include "policy/compile.h"
#include "policy/context.h"
#include "policy/evaluate.h"
#include "policy/json/parse.h"

namespace iamd::app {
namespace {

namespace bj = boost::json;
using Kind = policy::PrincipalInfo::Kind;

/// A case that cannot be evaluated: the message goes into {"error": ...}.
struct CaseError {
  std::string message;
};

/// Where a compiled policy came from in the case, for "matched" entries.
struct Origin {
  const char* kind = "identity";
  std::size_t level = 0;  // scps only
  std::size_t index = 0;
};

class Case {
 public:
  // Parses and compiles one policy (a JSON string holding the document, or the document as an
  // object); `where` names it in errors ("identity[2]").
  const policy::CompiledPolicy* load(const bj::value& v, const std::string& where, Origin origin) {
    std::string text;
    if (v.is_string()) {
      text = std::string(v.get_string());
    } else if (v.is_object()) {
      text = bj::serialize(v);
    } else {
      throw CaseError{where + ": a policy is a JSON string or object"};
    }
    auto parsed = policy::json::parse(text, policy::json::ParseMode::Strict);
    if (!parsed) throw CaseError{where + ": " + parsed.error().message};
    auto compiled = policy::compile(*parsed, policy::PolicySource{where, origin.kind},
                                    policy::CompileMode::Strict);
    if (!compiled) throw CaseError{where + ": " + compiled.error().message};
    const policy::CompiledPolicy* p = compiled->get();
    origins_[p] = origin;
    keep_.push_back(std::move(*compiled));
    return p;
  }

  std::vector<const policy::CompiledPolicy*> load_list(const bj::value& v, const char* name) {
    if (!v.is_array()) throw CaseError{std::string(name) + " must be an array of policies"};
    std::vector<const policy::CompiledPolicy*> out;
    const auto& arr = v.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      out.push_back(load(arr[i], std::string(name) + "[" + std::to_string(i) + "]",
                         Origin{name, 0, i}));
    }
    return out;
  }

  const Origin* origin_of(const policy::CompiledPolicy* p) const {
    auto it = origins_.find(p);
    return it == origins_.end() ? nullptr : &it->second;
  }

  void set_scp_origins(std::size_t level, const std::vector<const policy::CompiledPolicy*>& ps) {
    for (std::size_t i = 0; i < ps.size(); ++i) origins_[ps[i]] = Origin{"scp", level, i};
  }

 private:
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> keep_;
  std::unordered_map<const policy::CompiledPolicy*, Origin> origins_;
};

std::string string_field(const bj::object& o, std::string_view key, std::string fallback = {}) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) throw CaseError{"request." + std::string(key) + " must be a string"};
  return std::string(v->get_string());
}

// A condition value as the policy language sees it: strings as they are, numbers and booleans
// as their JSON text.
std::string scalar_text(const bj::value& v, const std::string& key) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool() || v.is_number()) return bj::serialize(v);
  throw CaseError{"context value of '" + key + "' must be a string, number, boolean or array"};
}

std::optional<Kind> kind_named(std::string_view name) {
  static const std::pair<std::string_view, Kind> kKinds[] = {
      {"User", Kind::User},
      {"AssumedRole", Kind::AssumedRole},
      {"Root", Kind::Root},
      {"Account", Kind::Root},
      {"FederatedUser", Kind::FederatedUser},
      {"Anonymous", Kind::Anonymous},
      {"Service", Kind::Service},
      {"WebIdentity", Kind::WebIdentity},
      {"Saml", Kind::Saml},
  };
  for (const auto& [n, k] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

// The principal kind an ARN implies (when the case does not say).
std::optional<Kind> kind_of_arn(const std::string& arn, const std::optional<core::Arn>& parsed) {
  if (!parsed) {
    if (arn.ends_with(".amazonaws.com")) return Kind::Service;
    return std::nullopt;
  }
  if (parsed->service == "iam" && parsed->resource == "root") return Kind::Root;
  if (parsed->service == "iam" && parsed->resource.starts_with("user/")) return Kind::User;
  if (parsed->service == "sts" && parsed->resource.starts_with("assumed-role/")) {
    return Kind::AssumedRole;
  }
  if (parsed->service == "sts" && parsed->resource.starts_with("federated-user/")) {
    return Kind::FederatedUser;
  }
  return std::nullopt;
}

// arn:aws:sts::A:assumed-role/R/S -> arn:aws:iam::A:role/R (the path is not in a session ARN).
std::string role_of_session(const core::Arn& a) {
  std::string_view rest = std::string_view(a.resource).substr(std::string_view("assumed-role/").size());
  std::size_t slash = rest.find('/');
  std::string role(rest.substr(0, slash));
  return "arn:" + a.partition + ":iam::" + a.account + ":role/" + role;
}

void fill_request(const bj::object& req, policy::RequestContext& rc) {
  rc.action = string_field(req, "action");
  if (rc.action.empty()) throw CaseError{"request.action is required"};
  rc.resource = string_field(req, "resource", "*");
  policy::PrincipalInfo& p = rc.principal;
  p.arn = string_field(req, "principal");
  auto parsed = core::Arn::parse(p.arn);
  std::string type = string_field(req, "principal_type");
  std::optional<Kind> kind = type.empty() ? (p.arn.empty() ? std::optional<Kind>(Kind::Anonymous)
                                                            : kind_of_arn(p.arn, parsed))
                                          : kind_named(type);
  if (!kind) {
    throw CaseError{type.empty() ? "request.principal_type is needed for principal '" + p.arn + "'"
                                 : "unknown request.principal_type '" + type + "'"};
  }
  p.kind = *kind;
  if (parsed) p.account = parsed->account;
  p.role_arn = string_field(req, "role_arn");
  if (p.role_arn.empty() && p.kind == Kind::AssumedRole && parsed &&
      parsed->resource.starts_with("assumed-role/")) {
    p.role_arn = role_of_session(*parsed);
  }
  p.user_id = string_field(req, "user_id");
  p.source_user_arn = string_field(req, "source_user_arn");
  p.service = string_field(req, "service");
  if (p.service.empty() && p.kind == Kind::Service) p.service = p.arn;
  p.federated = string_field(req, "federated");

  if (const bj::value* ctx = req.if_contains("context"); ctx != nullptr && !ctx->is_null()) {
    if (!ctx->is_object()) throw CaseError{"request.context must be an object"};
    for (const auto& [k, v] : ctx->get_object()) {
      std::string key(k);
      if (v.is_array()) {
        std::vector<std::string> values;
        for (const auto& e : v.get_array()) values.push_back(scalar_text(e, key));
        rc.set_multi(key, std::move(values));
      } else {
        rc.set(key, scalar_text(v, key));
      }
    }
  }
}

const char* decision_name(policy::Decision d) {
  switch (d) {
    case policy::Decision::Allow: return "Allow";
    case policy::Decision::ExplicitDeny: return "ExplicitDeny";
    case policy::Decision::ImplicitDeny: return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

const char* kind_name(policy::PolicyKind k) {
  switch (k) {
    case policy::PolicyKind::Identity: return "identity";
    case policy::PolicyKind::Resource: return "resource";
    case policy::PolicyKind::Boundary: return "boundary";
    case policy::PolicyKind::Session: return "session";
    case policy::PolicyKind::Scp: return "scp";
  }
  return "identity";
}

bj::object evaluate_case(const bj::object& c) {
  Case cs;
  policy::EvaluationInput in;
  const bj::value* identity = c.if_contains("identity");
  if (identity != nullptr && !identity->is_null()) in.identity = cs.load_list(*identity, "identity");
  if (const bj::value* v = c.if_contains("boundary"); v != nullptr && !v->is_null()) {
    in.boundary = cs.load_list(*v, "boundary");
  }
  if (const bj::value* v = c.if_contains("session"); v != nullptr && !v->is_null()) {
    in.session = cs.load_list(*v, "session");
  }
  if (const bj::value* v = c.if_contains("scps"); v != nullptr && !v->is_null()) {
    if (!v->is_array()) throw CaseError{"scps must be an array of arrays of policies"};
    const auto& levels = v->get_array();
    for (std::size_t l = 0; l < levels.size(); ++l) {
      auto level = cs.load_list(levels[l], "scp");
      cs.set_scp_origins(l, level);
      in.scp_levels.push_back(std::move(level));
    }
  }
  if (const bj::value* v = c.if_contains("resource_policy"); v != nullptr && !v->is_null()) {
    in.resource_policy = cs.load(*v, "resource_policy", Origin{"resource", 0, 0});
  }
  if (const bj::value* v = c.if_contains("resource_policy_required"); v != nullptr && !v->is_null()) {
    if (!v->is_bool()) throw CaseError{"resource_policy_required must be a boolean"};
    in.resource_policy_required = v->get_bool();
  }
  const bj::value* req = c.if_contains("request");
  if (req == nullptr || !req->is_object()) throw CaseError{"request must be an object"};
  policy::RequestContext rc;
  fill_request(req->get_object(), rc);
  in.context = &rc;
  in.principal_is_account_root = rc.principal.kind == Kind::Root;
  in.federated_session = rc.principal.kind == Kind::FederatedUser;
  std::string resource_account = string_field(req->get_object(), "resource_account");
  if (!resource_account.empty() && resource_account != rc.principal.account) {
    in.resource_account = resource_account;
  }

  policy::Evaluation ev = policy::evaluate(in);
  bj::object out;
  out["decision"] = decision_name(ev.decision);
  out["decided_by"] = kind_name(ev.decided_by);
  bj::array matched;
  for (const auto& m : ev.matched) {
    bj::object e;
    const Origin* o = cs.origin_of(m.policy);
    e["kind"] = o != nullptr ? o->kind : kind_name(m.kind);
    if (o != nullptr && std::string_view(o->kind) == "scp") e["level"] = o->level;
    e["policy"] = o != nullptr ? o->index : 0;
    e["statement"] = m.statement_index;
    e["effect"] = m.effect == policy::Effect::Allow ? "Allow" : "Deny";
    matched.push_back(std::move(e));
  }
  out["matched"] = std::move(matched);
  bj::array missing;
  for (const auto& k : ev.missing_context_keys) missing.emplace_back(k);
  out["missing"] = std::move(missing);
  return out;
}

std::string error_line(const bj::value* id, std::string message) {
  bj::object out;
  if (id != nullptr) out["id"] = *id;
  out["error"] = std::move(message);
  return bj::serialize(out);
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::string policy_eval_case(std::string_view line) {
  const bj::value* id = nullptr;
  try {
    boost::system::error_code ec;
    bj::parse_options opts;
    opts.max_depth = 64;
    bj::value doc = bj::parse(line, ec, {}, opts);
    if (ec) return error_line(nullptr, "invalid JSON: " + ec.message());
    if (!doc.is_object()) return error_line(nullptr, "a case must be a JSON object");
    const bj::object& c = doc.get_object();
    id = c.if_contains("id");
    try {
      bj::object out = evaluate_case(c);
      if (id != nullptr) {
        bj::object with_id;
        with_id["id"] = *id;
        for (auto& [k, v] : out) with_id[k] = std::move(v);
        return bj::serialize(with_id);
      }
      return bj::serialize(out);
    } catch (const CaseError& e) {
      return error_line(id, e.message);
    }
  } catch (const std::exception& e) {
    return error_line(nullptr, std::string("internal error: ") + e.what());
  }
}

int policy_eval_batch(std::FILE* in, std::FILE* out) {
  std::string line;
  bool too_long = false;
  auto emit = [&](const std::string& s) {
    return std::fwrite(s.data(), 1, s.size(), out) == s.size() && std::fputc('\n', out) != EOF;
  };
  auto finish_line = [&]() {
    bool ok = true;
    if (too_long) {
      ok = emit(error_line(nullptr, "case line longer than " +
                                        std::to_string(kMaxBatchLineBytes) + " bytes"));
    } else if (!blank(line)) {
      ok = emit(policy_eval_case(line));
    }
    line.clear();
    too_long = false;
    return ok;
  };
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) {
    std::string_view chunk(buf, n);
    while (!chunk.empty()) {
      std::size_t nl = chunk.find('\n');
      std::string_view piece = chunk.substr(0, nl);
      if (!too_long) {
        if (line.size() + piece.size() > kMaxBatchLineBytes) {
          too_long = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      if (!finish_line()) return 2;
      chunk.remove_prefix(nl + 1);
    }
  }
  if ((too_long || !line.empty()) && !finish_line()) return 2;
  return std::fflush(out) == 0 ? 0 : 2;
}

}  // namespace iamd::app
