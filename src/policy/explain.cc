// Decisions in words. The AccessDenied texts follow AWS's documented forms (spec §1.6) because
// tools and people grep for them; the explanation is ours and has no compatibility promise.

#include "policy/explain.h"

#include <string>

#include "core/strings.h"

namespace iamd::policy {
namespace {

struct KindWords {
  std::string_view phrase;   // "identity-based policy"
  std::string_view article;  // "an" / "a"
};

KindWords words(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::Identity:
      return {"identity-based policy", "an"};
    case PolicyKind::Resource:
      return {"resource-based policy", "a"};
    case PolicyKind::Boundary:
      return {"permissions boundary", "a"};
    // The Docs' explicit-deny example says "a sessions policy"; we use the grammatical form.
    case PolicyKind::Session:
      return {"session policy", "a"};
    case PolicyKind::Scp:
      return {"service control policy", "a"};
  }
  return {"policy", "a"};
}

// The actions a role trust policy governs: for these the resource policy that decided is the
// trust policy, and STS's message has no "because ..." clause (sts-federation.md §1.5).
bool is_trust_action(std::string_view action) {
  for (std::string_view a :
       {"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"}) {
    if (core::iequals(action, a)) return true;
  }
  return false;
}

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::Allow:
      return "Allow";
    case Decision::ExplicitDeny:
      return "ExplicitDeny";
    case Decision::ImplicitDeny:
      return "ImplicitDeny";
  }
  return "?";
}

}  // namespace

std::string access_denied_message(const Evaluation& evaluation, std::string_view caller_arn,
                                  std::string_view action, std::string_view resource) {
  if (evaluation.decision == Decision::Allow) return {};
  // Unsigned federation calls have no caller ARN to name (sts-federation.md §1.5).
  if (core::iequals(action, "sts:AssumeRoleWithSAML") ||
      core::iequals(action, "sts:AssumeRoleWithWebIdentity")) {
    return "Not authorized to perform " + std::string(action);
  }
  std::string msg = "User: ";
  msg += caller_arn;
  msg += " is not authorized to perform: ";
  msg += action;
  if (!resource.empty()) {
    msg += " on resource: ";
    msg += resource;
  }
  const bool trust = evaluation.decided_by == PolicyKind::Resource && is_trust_action(action);
  const KindWords w = words(evaluation.decided_by);
  if (evaluation.decision == Decision::ExplicitDeny) {
    msg += " with an explicit deny in ";
    if (trust) {
      msg += "the role trust policy";
    } else {
      msg += w.article;
      msg += ' ';
      msg += w.phrase;
    }
    return msg;
  }
  if (trust) return msg;  // "... is not authorized to perform: sts:AssumeRole on resource: R"
  msg += " because no ";
  msg += w.phrase;
  msg += " allows the ";
  msg += action;
  msg += " action";
  return msg;
}

std::string explain(const Evaluation& evaluation, const RequestContext& context) {
  std::string out = "Decision: ";
  out += decision_name(evaluation.decision);
  out += " (decided by ";
  out += words(evaluation.decided_by).phrase;
  out += ")\nRequest: ";
  out += context.action;
  out += " on ";
  out += context.resource.empty() ? std::string_view("(no resource)") : context.resource;
  out += " by ";
  out += context.principal.arn.empty() ? std::string_view("(anonymous)") : context.principal.arn;
  out += "\nMatched statements:";
  if (evaluation.matched.empty()) out += " none";
  for (const auto& m : evaluation.matched) {
    out += "\n  ";
    out += m.effect == Effect::Allow ? "Allow" : "Deny";
    out += " in ";
    out += words(m.kind).phrase;
    if (m.policy == nullptr) continue;
    const PolicySource& source = source_of(*m.policy);
    out += " \"";
    out += source.id;
    out += "\"";
    if (!source.type.empty()) {
      out += " (";
      out += source.type;
      out += ")";
    }
    out += ", statement ";
    out += std::to_string(m.statement_index);
    const Policy& model = model_of(*m.policy);
    if (m.statement_index < model.statements.size()) {
      const Statement& st = model.statements[m.statement_index];
      if (st.sid) {
        out += ", Sid \"";
        out += *st.sid;
        out += "\"";
      }
      if (st.start.line > 0) {
        out += ", lines " + std::to_string(st.start.line) + ":" + std::to_string(st.start.column) +
               "-" + std::to_string(st.end.line) + ":" + std::to_string(st.end.column);
      }
    }
  }
  out += "\nMissing context keys:";
  if (evaluation.missing_context_keys.empty()) out += " none";
  for (std::size_t i = 0; i < evaluation.missing_context_keys.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += evaluation.missing_context_keys[i];
  }
  out += "\n";
  return out;
}

}  // namespace iamd::policy
