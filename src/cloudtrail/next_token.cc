#include "cloudtrail/next_token.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "audit/index_util.h"
#include "crypto/base64.h"
#include "crypto/sha256.h"

namespace iamd::cloudtrail {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kFingerprintBytes = 7;
constexpr std::size_t kTokenBytes = 1 + kFingerprintBytes + 8 + 8;  // 24: base64 without '='

// Each field length-prefixed, absent ones marked, so that no two scopes serialize alike.
void append_field(std::string& out, std::optional<std::string_view> value) {
  if (!value) {
    out += '-';
    return;
  }
  out += std::to_string(value->size());
  out += ':';
  out += *value;
}

std::array<std::uint8_t, kFingerprintBytes> fingerprint(const TokenScope& s) {
  std::string text = "iamd cloudtrail LookupEvents v1|";
  append_field(text, s.account);
  if (s.attribute_key) {
    append_field(text, audit::attribute_name(*s.attribute_key));
    append_field(text, s.attribute_value);
  } else {
    append_field(text, std::nullopt);
  }
  auto time = [&](std::optional<std::int64_t> us) {
    if (us) append_field(text, std::to_string(*us));
    else append_field(text, std::nullopt);
  };
  time(s.start_us);
  time(s.end_us);
  append_field(text, s.event_category);
  crypto::Sha256Digest digest = crypto::sha256(text);
  std::array<std::uint8_t, kFingerprintBytes> out;
  std::copy_n(digest.begin(), kFingerprintBytes, out.begin());
  return out;
}

void put_int64(std::string& out, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((u >> shift) & 0xff));
  }
}

std::int64_t get_int64(std::string_view in) {
  std::uint64_t u = 0;
  for (char c : in) u = u << 8 | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(u);
}

}  // namespace

std::string encode_next_token(const TokenScope& scope, const audit::Cursor& cursor) {
  std::string bytes;
  bytes.push_back(static_cast<char>(kVersion));
  for (auto b : fingerprint(scope)) bytes.push_back(static_cast<char>(b));
  put_int64(bytes, cursor.time_us);
  put_int64(bytes, cursor.sequence);
  std::string token = crypto::base64_encode(bytes);
  std::replace(token.begin(), token.end(), '+', '-');
  std::replace(token.begin(), token.end(), '/', '_');
  return token;
}

std::optional<audit::Cursor> decode_next_token(const TokenScope& scope, std::string_view token) {
  if (token.size() != kTokenBytes / 3 * 4) return std::nullopt;
  std::string text(token);
  // Only the URL-safe alphabet: '+' and '/' are not ours.
  if (text.find_first_of("+/=") != std::string::npos) return std::nullopt;
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  std::optional<std::string> bytes = crypto::base64_decode(text);
  if (!bytes || bytes->size() != kTokenBytes) return std::nullopt;
  if (static_cast<std::uint8_t>((*bytes)[0]) != kVersion) return std::nullopt;
  const auto expected = fingerprint(scope);
  if (!std::equal(expected.begin(), expected.end(), bytes->begin() + 1,
                  [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); })) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(*bytes).substr(1 + kFingerprintBytes);
  return audit::Cursor{get_int64(rest.substr(0, 8)), get_int64(rest.substr(8, 8))};
}

}  // namespace iamd::cloudtrail
