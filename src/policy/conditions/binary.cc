// BinaryEquals: the policy holds base64 (decoded once, here); the request context holds the raw
// bytes of the key's value, so comparison is byte for byte. Malformed base64 never matches.

#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

class BinaryMatcher final : public ValueMatcher {
 public:
  explicit BinaryMatcher(std::vector<std::optional<std::string>> values)
      : values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env&) const override {
    for (const auto& value : values_) {
      if (value && *value == v) return true;
    }
    return false;
  }

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace

std::optional<std::string> base64_decode(std::string_view s) {
  std::size_t len = s.size();
  std::size_t pad = 0;
  while (len > 0 && s[len - 1] == '=' && pad < 2) {
    --len;
    ++pad;
  }
  if (pad > 0 && s.size() % 4 != 0) return std::nullopt;  // padding only on a full quantum
  if (len % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(len * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < len; ++i) {
    int v = sextet(s[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero (canonical encoding), as strict decoders require.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::unique_ptr<ValueMatcher> make_binary_matcher(const std::vector<std::string>& values) {
  std::vector<std::optional<std::string>> decoded;
  for (const auto& v : values) decoded.push_back(base64_decode(v));
  return std::make_unique<BinaryMatcher>(std::move(decoded));
}

}  // namespace iamd::policy::conditions
