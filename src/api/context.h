#pragma once
// Who is calling and how: the transport-free facts a handler and the authorizer need.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace iamd::auth {
struct Session;  // auth/session_token.h: api only carries it
}  // namespace iamd::auth

namespace iamd::api {

enum class PrincipalType { Anonymous, Root, User, AssumedRole, FederatedUser };

/// The authenticated caller. For root, `user_id` is the account id and `arn` the root ARN.
struct Caller {
  PrincipalType type = PrincipalType::Anonymous;
  std::string account;
  std::string arn;
  std::string user_id;    // aws:userid
  std::string name;       // the IAM user name for users; empty otherwise
  std::string path;       // the IAM user's path for users
  std::string access_key_id;
  /// Set when the request was signed with temporary credentials (an ASIA key and its session
  /// token): the session the token carried. Role sessions are AssumedRole, GetFederationToken
  /// sessions FederatedUser; GetSessionToken sessions keep the user's (or root's) type.
  std::shared_ptr<const auth::Session> session;
};

/// A resource a call acted on, as CloudTrail's `resources` lists it.
struct AuditResource {
  std::string arn;
  std::string account;
  std::string type;  // "AWS::IAM::Role"
};

/// What a handler tells the audit trail beyond its parameters and output. Handlers fill it
/// through Context::audit when it is set (the endpoint sets it; unit tests need not).
struct AuditNotes {
  std::vector<AuditResource> resources;
  /// Another account that receives a copy of the event (a cross-account AssumeRole: the role's).
  std::string other_account;
};

/// Everything about one request that is not a parameter.
struct Context {
  Caller caller;
  std::string request_id;
  core::TimePoint now;
  std::string source_ip;
  bool secure_transport = false;
  std::string region = "us-east-1";
  std::string user_agent;
  AuditNotes* audit = nullptr;  // where the handler's notes go; null when nothing is recorded
};

}  // namespace iamd::api
