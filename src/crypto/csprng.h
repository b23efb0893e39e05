#pragma once
// The production source of randomness: OpenSSL's CSPRNG (a DRBG seeded from the OS).

#include <cstdint>
#include <span>

#include "core/random.h"

namespace iamd::crypto {

/// core::Random backed by RAND_bytes. Thread-safe. A failing RAND_bytes aborts: handing out
/// predictable bytes as keys or nonces would be worse than stopping.
class SystemRandom final : public core::Random {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace iamd::crypto
