#include "auth/sigv4/query.h"

namespace iamd::auth::sigv4 {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

}  // namespace

RequestTarget split_target(std::string_view target) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string decode_query_component(std::string_view raw) {
  // '+' is a space here, as in http/query's form decoder. The two must agree: if the signature
  // covered "a+b" as a literal plus while the handler read a space, a presigned URL's "a%2Bb"
  // could be rewritten to "a+b" and still verify, yet mean something else to the handler.
  // Malformed escapes stay literal because the form decoder rejects the request anyway.
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '+') {
      out.push_back(' ');
      continue;
    }
    if (c == '%' && raw.size() - i >= 3) {
      const int hi = hex_digit(raw[i + 1]);
      const int lo = hex_digit(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

namespace {

// Whether decode_query_component(raw) == expected, decoding on the fly.
bool decodes_to(std::string_view raw, std::string_view expected) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && raw.size() - i >= 3) {
      const int hi = hex_digit(raw[i + 1]);
      const int lo = hex_digit(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    }
    if (at == expected.size() || expected[at] != c) return false;
    ++at;
  }
  return at == expected.size();
}

}  // namespace

bool has_query_parameter(std::string_view raw_query, std::string_view name) {
  while (!raw_query.empty()) {
    const std::size_t amp = raw_query.find('&');
    const std::string_view field = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (field.empty()) continue;
    if (decodes_to(field.substr(0, field.find('=')), name)) return true;
  }
  return false;
}

std::vector<QueryParameter> decode_query(std::string_view raw_query) {
  std::vector<QueryParameter> params;
  while (!raw_query.empty()) {
    const std::size_t amp = raw_query.find('&');
    const std::string_view field = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (field.empty()) continue;
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      params.push_back({decode_query_component(field), {}});
    } else {
      params.push_back({decode_query_component(field.substr(0, eq)),
                        decode_query_component(field.substr(eq + 1))});
    }
  }
  return params;
}

void append_uri_encoded(std::string& out, std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

}  // namespace iamd::auth::sigv4
