#pragma once
// Recognizers for condition value shapes (validate_values.cc). Internal to policy validation.

#include <string_view>

namespace iamd::policy::detail {

/// A decimal number as the Numeric operators take it: [+-]digits[.digits][e[+-]digits].
bool is_number(std::string_view s);
/// A W3C ISO 8601 profile (YYYY, YYYY-MM, YYYY-MM-DD, ...Thh:mm[:ss[.s]][Z|+hh:mm]) or epoch
/// seconds.
bool is_w3c_date(std::string_view s);
/// "true" or "false", in any case.
bool is_bool_text(std::string_view s);
/// An IPv4 or IPv6 address with an optional /prefix length.
bool is_cidr(std::string_view s);
/// Padded standard base64, as BinaryEquals compares.
bool is_base64(std::string_view s);

}  // namespace iamd::policy::detail
