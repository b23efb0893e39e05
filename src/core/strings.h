#pragma once
// Small string helpers shared by every module.

#include <string>
#include <string_view>

namespace iamd::core {

/// ASCII lower-casing; IAM names compare case-insensitively over ASCII.
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);

/// RFC 3986 percent-encoding: every byte outside A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex).
/// This is SigV4's URI encoding and IAM's encoding of policy documents in responses.
std::string uri_encode(std::string_view s, bool keep_slash = false);

/// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Lower-case hex of raw bytes.
std::string hex_lower(std::string_view bytes);

}  // namespace iamd::core
