#pragma once
// The keyring in the store: the keys that seal session tokens (auth/session_token.h), each sealed
// by the master key (core::Sealer) before it reaches the untrusted database. Every node opens the
// same keyring, so a token minted by one node is accepted by all (DESIGN.md, principle 3).
//
// Key layout (persisted; never change silently — add a migration instead):
//   keyring/<id as 10 decimal digits>    KeyringKey as JSON:
//     {"id": N, "key": "<sealer output over the key's 64 hex digits, context keyring/<id>>",
//      "created": <ms since epoch>, "retired": <ms since epoch, 0 while active>}
//
// Lifecycle (maintain_keyring): the first start creates key 1. The active key is the newest one
// not retired. When it is older than `rotate_after` (24 h) a new key (id + 1) is created and the
// old one retired; a retired key still opens tokens until `keep_after_retirement` (36 h, the
// longest session) has passed, then it is erased.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/sealer.h"
#include "store/store.h"

namespace iamd::store {

struct KeyringKey {
  std::uint32_t id = 0;
  std::string sealed_key;  // core::Sealer output; context "keyring/<id>"
  core::TimePoint created;
  std::optional<core::TimePoint> retired;
};

/// A key opened with the master key.
struct OpenedKeyringKey {
  std::uint32_t id = 0;
  std::array<std::uint8_t, 32> key{};
  core::TimePoint created;
  std::optional<core::TimePoint> retired;
};

/// The keyring opened: every key that may still open tokens, and the one that seals new tokens.
struct OpenedKeyring {
  std::vector<OpenedKeyringKey> keys;  // by id
  std::uint32_t active_id = 0;         // 0: no active key (an empty keyring)
  OpenedKeyring() = default;
  OpenedKeyring(OpenedKeyring&&) = default;
  OpenedKeyring& operator=(OpenedKeyring&&) = default;
  ~OpenedKeyring();  // wipes the keys
};

struct KeyringPolicy {
  std::chrono::seconds rotate_after{24 * 3600};
  std::chrono::seconds keep_after_retirement{36 * 3600};
};

/// Typed reads and writes of keyring keys inside one transaction.
class KeyringEntities {
 public:
  explicit KeyringEntities(Transaction& tx) : tx_(tx) {}

  /// Every key, by id.
  core::Result<std::vector<KeyringKey>> all();
  core::Status put(const KeyringKey& key);
  core::Status erase(std::uint32_t id);

 private:
  Transaction& tx_;
};

/// The context a keyring key is sealed under.
std::string keyring_seal_context(std::uint32_t id);

/// Whether maintain_keyring would change anything at `now` (a read; no write).
core::Result<bool> keyring_needs_maintenance(Store& store, core::TimePoint now,
                                             const KeyringPolicy& policy = {});

/// Creates the first key, rotates the active key when due and erases keys retired long enough
/// ago, in one write transaction; writes nothing (and returns false) when nothing is due.
core::Result<bool> maintain_keyring(Store& store, core::Sealer& sealer, core::Random& random,
                                    core::TimePoint now, const KeyringPolicy& policy = {});

/// Opens every key of the keyring with the master key. ServiceFailure when one does not open.
core::Result<OpenedKeyring> open_keyring(Transaction& tx, const core::Sealer& sealer);

}  // namespace iamd::store
