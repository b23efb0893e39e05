#pragma once
// Comparisons whose running time does not depend on where the inputs differ.

#include <string_view>

#include "crypto/bytes.h"

namespace iamd::crypto {

/// Whether `a` and `b` are equal, in time that depends only on their lengths (which are treated as
/// public). Use it for signatures, MACs and tokens: an early-exit compare lets an attacker find a
/// valid value byte by byte from response times.
bool constant_time_equal(Bytes a, Bytes b);
inline bool constant_time_equal(std::string_view a, std::string_view b) {
  return constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace iamd::crypto
