#pragma once
// Standard base64 (RFC 4648 §4, with padding): session tokens, IAM blobs.

#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace iamd::crypto {

std::string base64_encode(Bytes data);
inline std::string base64_encode(std::string_view data) { return base64_encode(as_bytes(data)); }
/// nullopt unless `text` is canonical padded base64 (no whitespace, no stray characters).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace iamd::crypto
