// Principal / NotPrincipal (spec §3.2): which types exist, and the shapes IAM accepts for each in
// trust and other resource-based policies. Whether a named principal exists is the caller's check;
// both give the same message, `Invalid principal in policy: "AWS":"<value>"`.

#include <algorithm>
#include <string>

#include "policy/validate_internal.h"

namespace iamd::policy::detail {
namespace {

constexpr std::string_view kPrincipalTypes[] = {"AWS", "Service", "Federated", "CanonicalUser"};

constexpr std::string_view kPartitions[] = {"aws",       "aws-cn",    "aws-us-gov", "aws-iso",
                                            "aws-iso-b", "aws-iso-e", "aws-iso-f",  "aws-eusc"};

// Web identity providers that are named by host rather than by an oidc-provider ARN.
constexpr std::string_view kWebIdentityProviders[] = {
    "cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com",
    "accounts.google.com"};

bool is_digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// IAM names and paths: [\w+=,.@-], plus '/' between path segments (no empty segment).
bool is_iam_path_name(std::string_view s) {
  if (s.empty() || s.front() == '/' || s.back() == '/') return false;
  if (s.find("//") != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_+=,.@-/").find(c) != std::string_view::npos;
  });
}

bool is_iam_name(std::string_view s) {
  return is_iam_path_name(s) && s.find('/') == std::string_view::npos;
}

// A lower-case DNS name with at least two labels ("ec2.amazonaws.com").
bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t labels = 0, start = 0;
  while (true) {
    auto dot = s.find('.', start);
    std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    bool ok = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!ok) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

struct PrincipalArn {
  std::string_view service;
  std::string_view account;
  std::string_view resource;
};

// arn:<partition>:<service>::<12-digit account>:<resource>, no region, no wildcards.
std::optional<PrincipalArn> parse_principal_arn(std::string_view v) {
  if (!v.starts_with("arn:") || v.find_first_of("*?") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view parts[5];
  std::string_view rest = v.substr(4);
  for (int i = 0; i < 4; ++i) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  parts[4] = rest;
  bool partition = std::find(std::begin(kPartitions), std::end(kPartitions), parts[0]) !=
                   std::end(kPartitions);
  if (!partition || !parts[2].empty()) return std::nullopt;
  return PrincipalArn{parts[1], parts[3], parts[4]};
}

bool is_unique_id(std::string_view v) {
  // AIDA… users and AROA… roles: IAM stores principals this way and returns them when the
  // entity is gone, so a re-submitted stored policy must still be accepted.
  if (v.size() < 16 || v.size() > 128 || !(v.starts_with("AIDA") || v.starts_with("AROA"))) {
    return false;
  }
  return std::all_of(v.begin(), v.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool is_aws_principal(std::string_view v) {
  if (v == "*" || is_digits(v, 12) || is_unique_id(v)) return true;
  auto arn = parse_principal_arn(v);
  if (!arn) return false;
  if (!is_digits(arn->account, 12)) return false;
  std::string_view r = arn->resource;
  if (arn->service == "iam") {
    if (r == "root") return true;
    if (r.starts_with("user/")) return is_iam_path_name(r.substr(5));
    if (r.starts_with("role/")) return is_iam_path_name(r.substr(5));
    return false;
  }
  if (arn->service == "sts") {
    if (r.starts_with("federated-user/")) return is_iam_name(r.substr(15));
    if (r.starts_with("assumed-role/")) {
      std::string_view rest = r.substr(13);
      auto slash = rest.find('/');
      return slash != std::string_view::npos && is_iam_name(rest.substr(0, slash)) &&
             is_iam_name(rest.substr(slash + 1));
    }
  }
  return false;
}

bool is_federated_principal(std::string_view v) {
  if (std::find(std::begin(kWebIdentityProviders), std::end(kWebIdentityProviders), v) !=
      std::end(kWebIdentityProviders)) {
    return true;
  }
  auto arn = parse_principal_arn(v);
  if (!arn || arn->service != "iam" || !is_digits(arn->account, 12)) return false;
  if (arn->resource.starts_with("saml-provider/")) return is_iam_name(arn->resource.substr(14));
  if (arn->resource.starts_with("oidc-provider/")) {
    std::string_view issuer = arn->resource.substr(14);  // host[/path]
    auto slash = issuer.find('/');
    return is_dns_name(issuer.substr(0, slash)) &&
           (slash == std::string_view::npos || slash + 1 < issuer.size());
  }
  return false;
}

bool is_canonical_user(std::string_view v) {
  return v.size() == 64 && std::all_of(v.begin(), v.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_valid_principal(std::string_view type, std::string_view v, PolicyType policy_type) {
  if (type == "AWS") return is_aws_principal(v);
  if (type == "Service") return is_dns_name(v);
  if (type == "Federated") return is_federated_principal(v);
  if (type == "CanonicalUser") return policy_type == PolicyType::Resource && is_canonical_user(v);
  return false;
}

// AWS writes the type upper-case in this message ("SERVICE"), except "AWS" which already is.
std::string invalid_principal(std::string_view type, std::string_view value) {
  std::string t(type);
  for (char& c : t) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return "Invalid principal in policy: \"" + t + "\":\"" + std::string(value) + "\"";
}

template <class Fn>
void for_each_principals(const Statement& s, Fn&& fn) {
  if (s.principal) fn(*s.principal, std::string_view("Principal"));
  if (s.not_principal) fn(*s.not_principal, std::string_view("NotPrincipal"));
}

}  // namespace

bool is_known_principal_type(std::string_view type) {
  return std::find(std::begin(kPrincipalTypes), std::end(kPrincipalTypes), type) !=
         std::end(kPrincipalTypes);
}

// {} as a principal, an unknown type or an empty list cannot name anyone: a syntax error.
void check_principal_syntax(const Policy& policy, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    for_each_principals(policy.statements[i], [&](const Principals& p, std::string_view element) {
      std::string where = statement_pointer(i) + "/" + std::string(element);
      if (!p.any && p.by_type.empty()) out.error(std::string(kSyntaxErrors), where);
      for (const auto& [type, values] : p.by_type) {
        if (!is_known_principal_type(type) || values.empty()) {
          out.error(std::string(kSyntaxErrors), where + "/" + pointer_key(type));
        }
      }
    });
  }
}

void check_principal_values(const Policy& policy, PolicyType type, Findings& out) {
  if (type != PolicyType::Trust && type != PolicyType::Resource) return;
  for (std::size_t i = 0; i < policy.statements.size() && !out.done(); ++i) {
    for_each_principals(policy.statements[i], [&](const Principals& p, std::string_view element) {
      for (const auto& [ptype, values] : p.by_type) {
        if (!is_known_principal_type(ptype)) continue;  // a syntax error already
        for (std::size_t k = 0; k < values.size() && !out.done(); ++k) {
          if (!is_valid_principal(ptype, values[k], type)) {
            out.error(invalid_principal(ptype, values[k]),
                      statement_pointer(i) + "/" + std::string(element) + "/" + pointer_key(ptype) +
                          "/" + std::to_string(k));
          }
        }
      }
    });
  }
}

void warn_principals(const Policy& policy, PolicyType type, Findings& out) {
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& s = policy.statements[i];
    if (s.not_principal && s.effect == Effect::Allow) {
      out.warning("NotPrincipal with Allow grants access to every principal not listed, "
                  "including anonymous ones.",
                  statement_pointer(i) + "/NotPrincipal");
    }
    if (type != PolicyType::Trust || s.effect != Effect::Allow || !s.principal ||
        !s.conditions.empty()) {
      continue;
    }
    bool everyone = s.principal->any;
    for (const auto& [ptype, values] : s.principal->by_type) {
      if (ptype == "AWS" && std::find(values.begin(), values.end(), "*") != values.end()) {
        everyone = true;
      }
    }
    if (everyone) {
      out.warning("This trust policy lets any AWS principal assume the role: add a Condition "
                  "(for example aws:PrincipalOrgID or sts:ExternalId).",
                  statement_pointer(i) + "/Principal");
    }
  }
}

}  // namespace iamd::policy::detail
