#pragma once
// What the STS handlers share: the model's parameter constraints (spec/sts-federation.md §2.0),
// session tags and session policies as AssumeRole and GetFederationToken read and check them, the
// packed-size percentage, minting credentials (credentials.cc) and who may call what.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "api/input.h"
#include "api/params.h"
#include "auth/session_token.h"
#include "authz/view.h"
#include "core/random.h"
#include "core/result.h"
#include "iam/rules.h"
#include "store/entities.h"

namespace iamd::sts {

namespace rules {

bool is_session_name(std::string_view s);  // [\w+=,.@-]*
bool is_external_id(std::string_view s);   // [\w+=,.@:\/-]*
bool is_serial_number(std::string_view s); // [\w+=/:,.@-]*
bool is_digits(std::string_view s);        // [\d]*
bool is_word(std::string_view s);          // [\w]*
bool is_policy_text(std::string_view s);   // [\u0009\u000A\u000D\u0020-\u00FF]+

inline constexpr std::string_view kSessionNamePattern = "[\\w+=,.@-]*";

inline constexpr api::StringRule kArn{20, 2048};
inline constexpr api::StringRule kRoleSessionName{2, 64, kSessionNamePattern, is_session_name};
inline constexpr api::StringRule kFederatedName{2, 32, kSessionNamePattern, is_session_name};
inline constexpr api::StringRule kSourceIdentity{2, 64, kSessionNamePattern, is_session_name};
inline constexpr api::StringRule kExternalId{2, 1224, "[\\w+=,.@:\\/-]*", is_external_id};
inline constexpr api::StringRule kSerialNumber{9, 256, "[\\w+=/:,.@-]*", is_serial_number};
inline constexpr api::StringRule kTokenCode{6, 6, "[\\d]*", is_digits};
inline constexpr api::StringRule kAccessKeyId{16, 128, "[\\w]*", is_word};
inline constexpr api::StringRule kSessionPolicy{1, 2048, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                                                is_policy_text};
inline constexpr api::StringRule kEncodedMessage{1, 10240};
inline constexpr const api::StringRule& kTagKey = iam::rules::kTagKey;
inline constexpr const api::StringRule& kTagValue = iam::rules::kTagValue;

inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kMaxPolicyArns = 10;
inline constexpr size_t kMaxSessionPolicyPlaintext = 2048;

}  // namespace rules

/// Inline and managed session policies as a request passes them.
struct SessionPolicies {
  std::optional<std::string> document;  // Policy
  std::vector<std::string> arns;        // PolicyArns.member.N.arn
  bool empty() const { return !document && arns.empty(); }
};

/// Reads Policy and PolicyArns with their model constraints.
SessionPolicies read_session_policies(api::Input& in);
/// Reads Tags (Key/Value members, at most 50).
std::vector<store::Tag> read_session_tags(api::Input& in);

/// ValidationError when a tag key starts with "aws:" or two keys are equal case-insensitively.
core::Status check_session_tags(const std::vector<store::Tag>& tags);
/// MalformedPolicyDocument for an inline policy that is not a valid session policy; ValidationError
/// for a managed policy ARN that is not one of `account`'s (or AWS's) policies, and when the
/// plaintext of all session policies exceeds 2,048 characters.
core::Status check_session_policies(authz::View& view, const SessionPolicies& policies,
                                    std::string_view account);
/// The PackedPolicySize percentage of session policies + tags (ours: the larger of their deflated
/// size against 2,560 bytes and their raw size against 6,144 bytes, so that every token fits in a
/// request header). PackedPolicyTooLarge above 100.
core::Result<int> packed_policy_size(const SessionPolicies& policies,
                                     const std::vector<store::Tag>& tags);

/// aws:RequestTag/<key> and aws:TagKeys for session tags.
void add_request_tag_keys(std::vector<std::pair<std::string, policy::ContextValue>>& keys,
                          const std::vector<store::Tag>& tags);

// --- credentials (credentials.cc) --------------------------------------------------------------

/// A temporary access key id: ASIA + 16 characters of [A-Z2-7] that carry the account (so that
/// GetAccessKeyInfo answers without state) and 40 random bits.
std::string make_session_access_key_id(core::Random& random, std::string_view account);
/// The account an ASIA key id carries, or nullopt when it is not one of ours.
std::optional<std::string> account_of_session_key(std::string_view access_key_id);

/// Draws the session's access key id and secret, and seals it with the keyring's active key:
/// the session token. ServiceFailure when the keyring has no key yet.
core::Result<std::string> mint(auth::Session& session, const auth::Keyring& keyring,
                               core::Random& random);
/// Credentials {AccessKeyId, SecretAccessKey, SessionToken, Expiration}.
void write_credentials(api::OutNode& result, const auth::Session& session,
                       const std::string& token);

/// The caller a session token authenticates: the role session, federated user, or (for
/// GetSessionToken sessions) the user or root behind it.
api::Caller caller_for_session(std::shared_ptr<const auth::Session> session);

// --- who may call what -------------------------------------------------------------------------

/// AccessDenied "User: ARN is not authorized to perform: ACTION[ on resource: R] because ...".
core::Error not_authorized(const api::Caller& caller, std::string_view action,
                           std::string_view resource, std::string_view because = {});
/// GetFederationToken sessions may call no STS action but GetCallerIdentity; GetSessionToken
/// sessions only AssumeRole and GetCallerIdentity (spec §2.4, §2.5).
core::Status check_session_may_call(const api::Caller& caller, std::string_view action);

}  // namespace iamd::sts
