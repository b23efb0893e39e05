#include "sts/common.h"

#include <zlib.h>

#include <algorithm>

#include "core/strings.h"
#include "iam/policy_documents.h"
#include "policy/model.h"

namespace iamd::sts {

using core::ErrorCode;

namespace rules {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool all_of(std::string_view s, std::string_view extra) {
  for (char c : s) {
    if (!is_word_char(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

bool is_session_name(std::string_view s) { return all_of(s, "+=,.@-"); }
bool is_external_id(std::string_view s) { return all_of(s, "+=,.@:/-"); }
bool is_serial_number(std::string_view s) { return all_of(s, "+=/:,.@-"); }
bool is_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_word(std::string_view s) { return all_of(s, ""); }
bool is_policy_text(std::string_view s) { return iam::rules::is_password_chars(s); }

}  // namespace rules

SessionPolicies read_session_policies(api::Input& in) {
  SessionPolicies p;
  p.document = in.optional_string("Policy", rules::kSessionPolicy);
  for (auto& item : in.list("PolicyArns", rules::kMaxPolicyArns)) {
    p.arns.push_back(item.required_string("arn", rules::kArn));
  }
  return p;
}

std::vector<store::Tag> read_session_tags(api::Input& in) {
  std::vector<store::Tag> tags;
  for (auto& item : in.list("Tags", rules::kMaxTags)) {
    store::Tag t;
    t.key = item.required_string("Key", rules::kTagKey);
    t.value = item.required_string("Value", rules::kTagValue);
    tags.push_back(std::move(t));
  }
  return tags;
}

core::Status check_session_tags(const std::vector<store::Tag>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    if (core::ascii_lower(tags[i].key).starts_with("aws:")) {
      return core::Error{ErrorCode::ValidationError,
                         "User-defined tag keys can't start with 'aws:'. This prefix is reserved "
                         "for AWS internal use."};
    }
    for (size_t j = 0; j < i; ++j) {
      if (core::iequals(tags[i].key, tags[j].key)) {
        return core::Error{ErrorCode::ValidationError,
                           "Duplicate tag keys found. Please note that Tag keys are case "
                           "insensitive."};
      }
    }
  }
  return {};
}

core::Status check_session_policies(authz::View& view, const SessionPolicies& policies,
                                    std::string_view account) {
  size_t plaintext = 0;
  if (policies.document) {
    IAMD_TRY(iam::validate_policy_document(*policies.document, policy::PolicyType::Session));
    plaintext += policies.document->size();
  }
  for (const auto& arn : policies.arns) {
    auto parsed = iam::parse_policy_arn(arn);
    if (!parsed || (parsed->account != account && parsed->account != "aws") ||
        view.managed_policy(arn) == nullptr) {
      return core::Error{ErrorCode::ValidationError,
                         "Policy " + arn + " does not exist or is not attachable."};
    }
    plaintext += arn.size();
  }
  if (plaintext > rules::kMaxSessionPolicyPlaintext) {
    return core::Error{ErrorCode::ValidationError,
                       "The plaintext of the session policies (Policy and PolicyArns together) "
                       "must not exceed 2048 characters."};
  }
  return {};
}

core::Result<int> packed_policy_size(const SessionPolicies& policies,
                                     const std::vector<store::Tag>& tags) {
  constexpr size_t kDeflatedBudget = 2560;
  constexpr size_t kRawBudget = 6144;
  std::string raw;
  if (policies.document) raw += *policies.document;
  for (const auto& a : policies.arns) raw += a + '\n';
  for (const auto& t : tags) raw += t.key + '=' + t.value + '\n';
  if (raw.empty()) return 0;
  uLongf deflated = compressBound(static_cast<uLong>(raw.size()));
  std::string out(deflated, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &deflated,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    deflated = raw.size();
  }
  auto percent = [](size_t n, size_t budget) {
    return static_cast<int>((100 * n + budget - 1) / budget);
  };
  int size = std::max(percent(deflated, kDeflatedBudget), percent(raw.size(), kRawBudget));
  if (size > 100) {
    return core::Error{ErrorCode::PackedPolicyTooLarge,
                       "Packed policy consumes " + std::to_string(size) +
                           "% of allotted space, please use smaller policy."};
  }
  return size;
}

void add_request_tag_keys(std::vector<std::pair<std::string, policy::ContextValue>>& keys,
                          const std::vector<store::Tag>& tags) {
  if (tags.empty()) return;
  policy::ContextValue tag_keys{{}, true};
  for (const auto& t : tags) {
    keys.emplace_back("aws:RequestTag/" + t.key, policy::ContextValue{{t.value}, false});
    tag_keys.values.push_back(t.key);
  }
  keys.emplace_back("aws:TagKeys", std::move(tag_keys));
}

api::Caller caller_for_session(std::shared_ptr<const auth::Session> session) {
  api::Caller c;
  const auth::Session& s = *session;
  c.account = s.account;
  c.arn = s.arn;
  c.user_id = s.user_id;
  c.access_key_id = s.access_key_id;
  switch (s.kind) {
    case auth::Session::Kind::AssumedRole:
      c.type = api::PrincipalType::AssumedRole;
      break;
    case auth::Session::Kind::FederatedUser:
      c.type = api::PrincipalType::FederatedUser;
      break;
    case auth::Session::Kind::SessionToken:
      if (s.user_id == s.account) {
        c.type = api::PrincipalType::Root;
      } else {
        // arn:aws:iam::ACCOUNT:user/PATH/NAME
        c.type = api::PrincipalType::User;
        std::string_view rest = s.arn;
        size_t user = rest.find(":user/");
        rest = user == std::string_view::npos ? std::string_view() : rest.substr(user + 6);
        size_t slash = rest.rfind('/');
        c.name = std::string(slash == std::string_view::npos ? rest : rest.substr(slash + 1));
        c.path = "/";
        if (slash != std::string_view::npos) c.path.append(rest.substr(0, slash + 1));
      }
      break;
  }
  c.session = std::move(session);
  return c;
}

core::Error not_authorized(const api::Caller& caller, std::string_view action,
                           std::string_view resource, std::string_view because) {
  std::string msg = "User: " + caller.arn + " is not authorized to perform: " + std::string(action);
  if (!resource.empty()) msg += " on resource: " + std::string(resource);
  if (!because.empty()) msg += " because " + std::string(because);
  return core::Error{ErrorCode::AccessDenied, std::move(msg)};
}

core::Status check_session_may_call(const api::Caller& caller, std::string_view action) {
  const auth::Session* s = caller.session.get();
  if (s == nullptr || action == "sts:GetCallerIdentity") return {};
  if (s->kind == auth::Session::Kind::FederatedUser) {
    return not_authorized(caller, action, {},
                          "credentials from GetFederationToken can call no STS action but "
                          "GetCallerIdentity");
  }
  if (s->kind == auth::Session::Kind::SessionToken && action != "sts:AssumeRole") {
    return not_authorized(caller, action, {},
                          "credentials from GetSessionToken can call no STS action but AssumeRole "
                          "and GetCallerIdentity");
  }
  return {};
}

}  // namespace iamd::sts
