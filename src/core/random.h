#pragma once
// Randomness comes in through this interface so that tests can make it deterministic;
// the production source (OpenSSL's CSPRNG) lives in crypto/.

#include <cstddef>
#include <cstdint>
#include <span>

namespace iamd::core {

class Random {
 public:
  virtual ~Random() = default;
  /// Fills `out` with unpredictable bytes. Draw everything you need in one call: each call costs.
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace iamd::core
