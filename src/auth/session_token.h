#pragma once
// Stateless session credentials. A session token is a sealed (AES-256-GCM) envelope carrying the
// whole session — principal, account, expiry, MFA state, source identity, tags, session policies
// and the session's secret key — so any node authenticates it without a database read
// (DESIGN.md principle 3). Keys rotate: the token names the key that sealed it.
//
// Token text: base64( "IAMD" | version (1 byte) | key id (4 bytes, big-endian) | sealed payload ),
// with the first 9 bytes as the AEAD's associated data. Persisted in clients' hands for up to 36
// hours: the layout and the payload encoding must never change silently — bump the version, and
// keep opening the previous one (session_token.cc seals version 2 and opens 1 and 2).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/secret.h"

namespace iamd::auth {

struct Session {
  enum class Kind : std::uint8_t {
    AssumedRole = 1,    // AssumeRole*, instance profiles
    FederatedUser = 2,  // GetFederationToken
    SessionToken = 3,   // GetSessionToken: the long-term principal, with temporary keys
  };
  Kind kind = Kind::AssumedRole;
  std::string access_key_id;  // ASIA...
  core::Secret secret_access_key;
  std::string account;  // the session principal's account (the role's, for roles)
  std::string arn;      // assumed-role / federated-user ARN, or the user's/root's for SessionToken
  std::string user_id;  // aws:userid: "AROA...:name", "ACCT:name", "AIDA..." or the account id
  // Assumed roles.
  std::string role_arn;
  std::string role_id;
  std::string session_name;
  // The long-term principal behind a SessionToken or FederatedUser session, and the principal
  // that assumed the role (for audit).
  std::string source_arn;
  std::string source_user_id;
  std::string source_identity;
  core::TimePoint issued_at;
  core::TimePoint expires_at;
  bool mfa_present = false;
  core::TimePoint mfa_authenticated_at;
  bool chained = false;  // created by a role session: later chains stay capped at one hour
  std::vector<std::pair<std::string, std::string>> tags;  // session tags, case preserved
  std::vector<std::string> transitive_tag_keys;
  std::string session_policy;                 // inline session policy document ("" if none)
  std::vector<std::string> session_policy_arns;
};

/// Token-sealing keys by id; one is active for sealing, all open. Built from the store's keyring.
class Keyring {
 public:
  using Key = std::array<std::uint8_t, 32>;
  void add(std::uint32_t id, const Key& key);
  void set_active(std::uint32_t id);
  std::uint32_t active_id() const { return active_; }
  const Key* find(std::uint32_t id) const;
  bool empty() const { return keys_.empty(); }
  ~Keyring();

 private:
  std::map<std::uint32_t, Key> keys_;
  std::uint32_t active_ = 0;
};

/// Longest token open_session() will look at; anything longer is refused unread.
inline constexpr std::size_t kMaxSessionTokenBytes = 16 * 1024;

/// Seals `session` with the keyring's active key. The keyring must not be empty.
std::string seal_session(const Session& session, const Keyring& keyring, core::Random& random);

/// Opens a token. InvalidClientTokenId ("The security token included in the request is invalid.")
/// for anything that is not a token sealed by a key in `keyring`. Expiry is not checked here.
/// Shared and immutable: a client sends one token with every request of its session, and the
/// session opened for the first is handed to the rest without a copy.
core::Result<std::shared_ptr<const Session>> open_session(std::string_view token,
                                                          const Keyring& keyring);

}  // namespace iamd::auth
