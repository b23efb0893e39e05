#pragma once
// The master key seals every secret the store holds (core::Sealer over AES-256-GCM).
// It comes from IAMD_MASTER_KEY (64 hex digits) or from DATA_DIR/master.key, created on first start
// with mode 0600. Losing it makes stored secrets unreadable; it never enters the database.

#include <array>
#include <cstdint>
#include <string>

#include "core/random.h"
#include "core/sealer.h"

namespace iamd::app {

class MasterKeySealer final : public core::Sealer {
 public:
  MasterKeySealer(const std::array<std::uint8_t, 32>& key, core::Random& random)
      : key_(key), random_(random) {}
  ~MasterKeySealer() override;

  /// "v1:" + hex(nonce || ciphertext || tag). Persisted: never change silently.
  std::string seal(std::string_view plaintext, std::string_view context) override;
  core::Result<core::Secret> open(std::string_view sealed, std::string_view context) const override;

 private:
  std::array<std::uint8_t, 32> key_;
  core::Random& random_;
};

/// Loads the master key from the environment or `data_dir`/master.key, creating the file when
/// neither exists. Throws std::runtime_error (startup) on a malformed key or an unreadable file.
std::array<std::uint8_t, 32> load_or_create_master_key(const std::string& data_dir,
                                                       core::Random& random);

}  // namespace iamd::app
