#pragma once
// `iamd role revoke-sessions ROLE --data-dir DIR [--account ID] [--endpoint URL]`: revokes every
// session of a role issued until now, the way AWS's console does (spec sts-federation §3.10): an
// inline role policy named AWSRevokeOlderSessions that denies every action to sessions whose
// aws:TokenIssueTime is earlier than now. Running it again moves the cut-off to the new now.
//
// The command talks to the running server through its API (iam:PutRolePolicy, SigV4-signed),
// so that the server's in-memory view learns of the change at once: the server holds the data
// directory's lock, and only its own writes invalidate its caches. Credentials, first found wins:
//   AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) from the environment;
//   IAMD_ROOT_ACCESS_KEY_ID + IAMD_ROOT_SECRET_ACCESS_KEY from the environment;
//   the [default] profile of DATA_DIR/root-credentials.
// The endpoint defaults to http://127.0.0.1:8777 (plain HTTP only). With --account, the command
// first checks (sts:GetCallerIdentity) that the credentials belong to that account.

#include <optional>
#include <string>

namespace iamd::app {

struct RevokeSessionsOptions {
  std::string role_name;
  std::string data_dir = "./iamd-data";
  std::string account;  // empty: the credentials' account
  std::string endpoint = "http://127.0.0.1:8777";
};

/// Exit status: 0 when the policy was put, 1 on an error (printed to stderr).
int revoke_role_sessions(const RevokeSessionsOptions& options);

/// The AWSRevokeOlderSessions policy document for a cut-off `iso8601_now`.
std::string revoke_older_sessions_policy(const std::string& iso8601_now);

}  // namespace iamd::app
