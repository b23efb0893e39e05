#pragma once
// The request target and its query string, as SigV4 reads them: split, decode, re-encode.

#include <string>
#include <string_view>
#include <vector>

namespace iamd::auth::sigv4 {

struct RequestTarget {
  std::string_view path;   ///< raw, before '?'
  std::string_view query;  ///< raw, after the first '?'; empty when there is none
};

/// Splits "path?query" at the first '?'.
RequestTarget split_target(std::string_view target);

/// One query parameter, percent-decoded.
struct QueryParameter {
  std::string name;
  std::string value;
};

/// Splits on '&' and then on the first '='; a field without '=' has an empty value; empty fields
/// ("a=1&&b=2", a trailing '&') are skipped. Names and values are decoded by
/// decode_query_component. Order is preserved.
std::vector<QueryParameter> decode_query(std::string_view raw_query);

/// Whether decode_query(raw_query) has a parameter named `name`, found without decoding into
/// strings (parse() asks this of every request).
bool has_query_parameter(std::string_view raw_query, std::string_view name);

/// Decodes %XX and '+' (a space). Malformed escapes ("%", "%zz") stay literal.
std::string decode_query_component(std::string_view raw);

/// Appends the RFC 3986 encoding of `s` (SigV4's UriEncode: everything but A-Z a-z 0-9 - _ . ~
/// becomes %XX, upper-case hex), leaving '/' alone when `keep_slash`.
void append_uri_encoded(std::string& out, std::string_view s, bool keep_slash);

}  // namespace iamd::auth::sigv4
