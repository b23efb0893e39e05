#pragma once
// First start: the management account and its root access key.

#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/sealer.h"
#include "store/store.h"

namespace iamd::app {

struct BootstrapResult {
  std::string account_id;
  std::string root_access_key_id;
  std::string credentials_file;  // where generated root credentials were written ("" if none)
};

/// Creates the management account and its root access key when the store has no account yet.
/// IAMD_ACCOUNT_ID, IAMD_ROOT_ACCESS_KEY_ID and IAMD_ROOT_SECRET_ACCESS_KEY choose them; otherwise
/// they are generated and written to DATA_DIR/root-credentials (shared-credentials format, 0600).
/// On later starts, a root key named by the environment that the store lacks is added.
/// Throws std::runtime_error (startup) on malformed environment values or store failures.
BootstrapResult bootstrap(store::Store& store, core::Sealer& sealer, core::Random& random,
                          const core::Clock& clock, const std::string& data_dir);

}  // namespace iamd::app
