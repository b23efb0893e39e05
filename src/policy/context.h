#pragma once
// The request as the policy language sees it: action, resource, principal and condition keys.
// Transport-free: handlers and the authz view fill it; HTTP never reaches policy/.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace iamd::policy {

/// A condition key's value. Single-valued keys hold one string; multivalued keys (aws:TagKeys,
/// ArrayOf* service keys) may hold any number, including none.
struct ContextValue {
  std::vector<std::string> values;
  bool multi_valued = false;
};

/// The caller, as Principal/NotPrincipal elements and principal condition keys see it.
struct PrincipalInfo {
  enum class Kind { Anonymous, Root, User, AssumedRole, FederatedUser, Service, WebIdentity, Saml };
  Kind kind = Kind::Anonymous;
  std::string account;   // the principal's account id
  /// The caller's own ARN: user ARN, root ARN, assumed-role session ARN
  /// (arn:aws:sts::A:assumed-role/R/S), federated-user ARN.
  std::string arn;
  std::string role_arn;  // AssumedRole: the role's IAM ARN, path included
  std::string user_id;   // unique id (AIDA..., AROA...:session)
  std::string service;   // Service: "ec2.amazonaws.com"
  std::string federated; // WebIdentity/Saml: the provider ARN, or a well-known name
  /// FederatedUser: the ARN of the IAM user who called GetFederationToken (a resource policy
  /// naming that user grants to the session, capped by boundary and session policy, §4.4).
  std::string source_user_arn;
};

class RequestContext {
 public:
  std::string action;    // "service:Action" as AWS writes it
  std::string resource;  // the target ARN, or "*" when the action has no resource
  PrincipalInfo principal;

  /// Sets a single-valued key (key names are case-insensitive).
  void set(std::string_view key, std::string value);
  /// Sets a multivalued key.
  void set_multi(std::string_view key, std::vector<std::string> values);
  void erase(std::string_view key);
  /// The value of `key` (any case), or nullptr when absent.
  const ContextValue* find(std::string_view key) const;
  /// The same, for a key already lower-cased (what compiled policies hold).
  const ContextValue* find_lower(const std::string& lower_key) const;
  const std::unordered_map<std::string, ContextValue>& keys() const { return keys_; }

 private:
  std::unordered_map<std::string, ContextValue> keys_;  // by lower-cased name
};

}  // namespace iamd::policy
