// IpAddress / NotIpAddress: CIDR blocks in the policy (IPv4 and IPv6, RFC 4291 text forms with
// `::` compression and a dotted IPv4 tail), an address in the request (aws:SourceIp).

#include <algorithm>
#include <cstring>

#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

// One IPv4 dotted quad into out[0..3]. Octets are decimal, at most 3 digits, <= 255.
bool parse_v4(std::string_view s, std::uint8_t* out) {
  int octet = 0;
  for (int part = 0; part < 4; ++part) {
    std::size_t digits = 0;
    int value = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9' && digits < 4) {
      value = value * 10 + (s.front() - '0');
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    out[octet++] = static_cast<std::uint8_t>(value);
    if (part < 3) {
      if (s.empty() || s.front() != '.') return false;
      s.remove_prefix(1);
    }
  }
  return s.empty();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// IPv6 text into 16 bytes.
bool parse_v6(std::string_view s, std::array<std::uint8_t, 16>& out) {
  std::array<std::uint16_t, 8> groups{};
  int count = 0;  // groups written
  int gap = -1;   // index where `::` stands
  if (s.starts_with("::")) {
    gap = 0;
    s.remove_prefix(2);
  } else if (s.starts_with(":")) {
    return false;
  }
  while (!s.empty()) {
    if (count >= 8) return false;
    // A dotted IPv4 tail takes the last two groups.
    std::size_t next_colon = s.find(':');
    std::string_view token = s.substr(0, next_colon);
    if (next_colon == std::string_view::npos && token.find('.') != std::string_view::npos) {
      std::uint8_t v4[4];
      if (count > 6 || !parse_v4(token, v4)) return false;
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      s = {};
      break;
    }
    if (token.empty() || token.size() > 4) return false;
    std::uint16_t g = 0;
    for (char c : token) {
      int h = hex_value(c);
      if (h < 0) return false;
      g = static_cast<std::uint16_t>(g << 4 | h);
    }
    groups[count++] = g;
    s.remove_prefix(token.size());
    if (s.empty()) break;
    s.remove_prefix(1);  // ':'
    if (s.starts_with(":")) {
      if (gap >= 0) return false;  // only one `::`
      gap = count;
      s.remove_prefix(1);
    } else if (s.empty()) {
      return false;  // trailing single ':'
    }
  }
  std::array<std::uint16_t, 8> full{};
  if (gap < 0) {
    if (count != 8) return false;
    full = groups;
  } else {
    if (count > 7) return false;  // `::` stands for at least one group
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xFF);
  }
  return true;
}

// ::ffff:a.b.c.d is the IPv4 address a.b.c.d (RFC 4291 §2.5.5.2).
void unmap_v4(IpNetwork& n) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (!n.v6 || n.prefix < 96 || std::memcmp(n.bytes.data(), kMapped, 12) != 0) return;
  n.v6 = false;
  std::memmove(n.bytes.data(), n.bytes.data() + 12, 4);
  std::fill(n.bytes.begin() + 4, n.bytes.end(), 0);
  n.prefix -= 96;
}

class IpMatcher final : public ValueMatcher {
 public:
  explicit IpMatcher(std::vector<std::optional<IpNetwork>> nets) : nets_(std::move(nets)) {}

  bool matches_any(std::string_view v, const Env&) const override {
    auto address = parse_ip(v);
    if (!address) return false;
    for (const auto& net : nets_) {
      if (net && network_contains(*net, *address)) return true;
    }
    return false;
  }

 private:
  std::vector<std::optional<IpNetwork>> nets_;
};

}  // namespace

std::optional<IpNetwork> parse_ip(std::string_view address) {
  IpNetwork n;
  if (address.find(':') != std::string_view::npos) {
    n.v6 = true;
    n.prefix = 128;
    if (!parse_v6(address, n.bytes)) return std::nullopt;
  } else {
    n.prefix = 32;
    if (!parse_v4(address, n.bytes.data())) return std::nullopt;
  }
  unmap_v4(n);
  return n;
}

std::optional<IpNetwork> parse_cidr(std::string_view cidr) {
  std::size_t slash = cidr.find('/');
  auto net = parse_ip(cidr.substr(0, slash));
  if (!net) return std::nullopt;
  if (slash == std::string_view::npos) return net;
  std::string_view digits = cidr.substr(slash + 1);
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int prefix = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix = prefix * 10 + (c - '0');
  }
  // A mapped address was unmapped above: its prefix counts from bit 96.
  bool was_mapped = !net->v6 && cidr.substr(0, slash).find(':') != std::string_view::npos;
  if (was_mapped) {
    if (prefix < 96 || prefix > 128) return std::nullopt;
    prefix -= 96;
  }
  if (prefix > (net->v6 ? 128 : 32)) return std::nullopt;
  net->prefix = prefix;
  return net;
}

bool network_contains(const IpNetwork& network, const IpNetwork& address) {
  if (network.v6 != address.v6) return false;
  int full = network.prefix / 8;
  if (std::memcmp(network.bytes.data(), address.bytes.data(), static_cast<std::size_t>(full)) !=
      0) {
    return false;
  }
  int rest = network.prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (network.bytes[full] & mask) == (address.bytes[full] & mask);
}

std::unique_ptr<ValueMatcher> make_ip_matcher(const std::vector<std::string>& values) {
  std::vector<std::optional<IpNetwork>> nets;
  for (const auto& v : values) nets.push_back(parse_cidr(v));
  return std::make_unique<IpMatcher>(std::move(nets));
}

}  // namespace iamd::policy::conditions
