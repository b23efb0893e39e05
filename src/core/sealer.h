#pragma once
// Sealing secrets before they reach the store (the store is untrusted). The implementation
// (AES-256-GCM under the master key) is chosen in app/; core only names the contract.

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/secret.h"

namespace iamd::core {

class Sealer {
 public:
  virtual ~Sealer() = default;
  /// Encrypts and authenticates `plaintext`, bound to `context` (e.g. the access key id) so a
  /// sealed value cannot be moved to another record.
  virtual std::string seal(std::string_view plaintext, std::string_view context) = 0;
  /// The plaintext, or ServiceFailure when `sealed` was tampered with or sealed for another context.
  virtual Result<Secret> open(std::string_view sealed, std::string_view context) const = 0;
};

}  // namespace iamd::core
