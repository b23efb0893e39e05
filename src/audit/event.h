#pragma once
// A call as the audit trail sees it, before rendering (render.h): who called, what they asked,
// what came back. Built on the request path: the parameters and the output tree are moved in as
// they are, and Broker::publish renders them (dropping secrets, renaming members, JSON, event
// ids) on the same thread, while they are still in its cache.

#include <optional>
#include <string>
#include <vector>

#include "api/context.h"
#include "api/params.h"
#include "core/clock.h"

namespace iamd::audit {

/// userIdentity.sessionContext.sessionIssuer: the role (or user) a session was issued from.
struct SessionIssuer {
  std::string type;  // "Role", "IAMUser", "Root"
  std::string principal_id;
  std::string arn;
  std::string account_id;
  std::string user_name;
};

/// userIdentity (spec/sts-federation.md §10.2). Empty strings are left out of the record.
struct Identity {
  // Root, IAMUser, AssumedRole, FederatedUser, AWSAccount, AWSService, SAMLUser,
  // WebIdentityUser, Unknown
  std::string type;
  std::string principal_id;
  std::string arn;
  std::string account_id;
  std::string access_key_id;
  std::string user_name;
  std::string invoked_by;
  std::string identity_provider;
  // sessionContext: present for temporary credentials.
  bool has_session = false;
  core::TimePoint session_created;
  bool mfa_authenticated = false;
  std::optional<SessionIssuer> issuer;
  std::string source_identity;
};

struct Event {
  Identity identity;
  core::TimePoint time;
  std::string service;     // SigV4 name: "iam" -> eventSource "iam.amazonaws.com"
  std::string event_name;  // the action
  std::string region;
  std::string source_ip;
  std::string user_agent;
  std::string error_code;  // empty on success
  std::string error_message;
  api::ParamNode request;                // as received, wire member names
  std::optional<api::OutNode> response;  // successful calls that are not read-only
  std::string request_id;
  /// What the handler noted (api::AuditNotes): the record's `resources`, and the second
  /// account that receives a copy of a cross-account call.
  std::vector<api::AuditResource> resources;
  std::string other_account;
};

/// Whether an action only reads (CloudTrail's readOnly): Get*, List*, Describe*, Lookup*,
/// Simulate*, DecodeAuthorizationMessage — but not the STS calls that issue credentials
/// (GetSessionToken, GetFederationToken), which are writes of a session.
bool is_read_only(std::string_view event_name);

/// The account a call is delivered to: the identity's, else the first resource's.
std::string_view recipient_account(const Event& event);

}  // namespace iamd::audit
