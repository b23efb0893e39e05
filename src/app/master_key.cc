#include "app/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/strings.h"
#include "crypto/aead.h"

namespace iamd::app {
namespace {

constexpr std::string_view kVersionPrefix = "v1:";

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::array<std::uint8_t, 32> parse_key(std::string_view hex, const std::string& where) {
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ' || hex.back() == '\r')) {
    hex.remove_suffix(1);
  }
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) {
    throw std::runtime_error(where + ": the master key must be 64 hexadecimal digits");
  }
  std::array<std::uint8_t, 32> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace

MasterKeySealer::~MasterKeySealer() {
  volatile std::uint8_t* p = key_.data();
  for (size_t i = 0; i < key_.size(); ++i) p[i] = 0;
}

std::string MasterKeySealer::seal(std::string_view plaintext, std::string_view context) {
  auto sealed = crypto::aes256_gcm_seal(crypto::Aes256GcmKey(key_), crypto::as_bytes(plaintext),
                                        crypto::as_bytes(context), random_);
  return std::string(kVersionPrefix) +
         core::hex_lower(std::string_view(reinterpret_cast<const char*>(sealed.data()),
                                          sealed.size()));
}

core::Result<core::Secret> MasterKeySealer::open(std::string_view sealed,
                                                 std::string_view context) const {
  core::Error failed{core::ErrorCode::ServiceFailure, "A stored secret could not be opened."};
  if (!sealed.starts_with(kVersionPrefix)) return failed;
  auto bytes = from_hex(sealed.substr(kVersionPrefix.size()));
  if (!bytes) return failed;
  auto plain = crypto::aes256_gcm_open(crypto::Aes256GcmKey(key_), *bytes,
                                       crypto::as_bytes(context));
  if (!plain) return failed;
  core::Secret secret(std::string(plain->begin(), plain->end()));
  std::fill(plain->begin(), plain->end(), 0);
  return secret;
}

std::array<std::uint8_t, 32> load_or_create_master_key(const std::string& data_dir,
                                                       core::Random& random) {
  if (const char* env = std::getenv("IAMD_MASTER_KEY"); env != nullptr && *env != '\0') {
    return parse_key(env, "IAMD_MASTER_KEY");
  }
  std::string path = data_dir + "/master.key";
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_key(ss.str(), path);
  }
  std::array<std::uint8_t, 32> key{};
  random.fill(key);
  std::string hex =
      core::hex_lower(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  hex += '\n';
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
  return key;
}

}  // namespace iamd::app
