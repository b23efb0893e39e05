#include "auth/session_token.h"

#include <cstring>

#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"

namespace iamd::auth {
namespace {

constexpr std::string_view kMagic = "IAMD";
constexpr std::uint8_t kVersion = 1;
constexpr size_t kHeaderBytes = 4 + 1 + 4;
constexpr size_t kMaxFieldBytes = 8 * 1024;
constexpr size_t kMaxListItems = 64;

core::Error invalid() {
  return core::Error{core::ErrorCode::InvalidClientTokenId,
                     "The security token included in the request is invalid."};
}

std::int64_t millis(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Payload encoding (version 1): fields in a fixed order; strings as u32 length + bytes, times as
// i64 milliseconds, booleans and the kind as one byte, lists as u32 count + items.
class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<char>((v >> s) & 0xff));
  }
  void i64(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int s = 56; s >= 0; s -= 8) out_.push_back(static_cast<char>((u >> s) & 0xff));
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::uint8_t u8() { return need(1) ? static_cast<std::uint8_t>(in_[pos_++]) : 0; }
  std::uint32_t u32() {
    if (!need(4)) return 0;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<std::uint8_t>(in_[pos_++]);
    return v;
  }
  std::int64_t i64() {
    if (!need(8)) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(in_[pos_++]);
    return static_cast<std::int64_t>(v);
  }
  std::string str() {
    std::uint32_t n = u32();
    if (n > kMaxFieldBytes || !need(n)) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  core::TimePoint time() {
    return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(
        std::chrono::milliseconds(i64())));
  }

 private:
  bool need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string encode(const Session& s) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(s.kind));
  for (std::string_view f : {std::string_view(s.access_key_id), s.secret_access_key.reveal(),
                             std::string_view(s.account), std::string_view(s.arn),
                             std::string_view(s.user_id), std::string_view(s.role_arn),
                             std::string_view(s.role_id), std::string_view(s.session_name),
                             std::string_view(s.source_arn), std::string_view(s.source_user_id),
                             std::string_view(s.source_identity)}) {
    w.str(f);
  }
  w.i64(millis(s.issued_at));
  w.i64(millis(s.expires_at));
  w.u8(s.mfa_present ? 1 : 0);
  w.i64(millis(s.mfa_authenticated_at));
  w.u8(s.chained ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(s.tags.size()));
  for (const auto& [k, v] : s.tags) {
    w.str(k);
    w.str(v);
  }
  w.u32(static_cast<std::uint32_t>(s.transitive_tag_keys.size()));
  for (const auto& k : s.transitive_tag_keys) w.str(k);
  w.str(s.session_policy);
  w.u32(static_cast<std::uint32_t>(s.session_policy_arns.size()));
  for (const auto& a : s.session_policy_arns) w.str(a);
  return std::move(w.bytes());
}

core::Result<Session> decode(std::string_view bytes) {
  Reader r(bytes);
  Session s;
  std::uint8_t kind = r.u8();
  if (kind < 1 || kind > 3) return invalid();
  s.kind = static_cast<Session::Kind>(kind);
  s.access_key_id = r.str();
  s.secret_access_key = core::Secret(r.str());
  s.account = r.str();
  s.arn = r.str();
  s.user_id = r.str();
  s.role_arn = r.str();
  s.role_id = r.str();
  s.session_name = r.str();
  s.source_arn = r.str();
  s.source_user_id = r.str();
  s.source_identity = r.str();
  s.issued_at = r.time();
  s.expires_at = r.time();
  s.mfa_present = r.u8() != 0;
  s.mfa_authenticated_at = r.time();
  s.chained = r.u8() != 0;
  std::uint32_t n = r.u32();
  if (n > kMaxListItems) return invalid();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    std::string k = r.str();
    s.tags.emplace_back(std::move(k), r.str());
  }
  n = r.u32();
  if (n > kMaxListItems) return invalid();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) s.transitive_tag_keys.push_back(r.str());
  s.session_policy = r.str();
  n = r.u32();
  if (n > kMaxListItems) return invalid();
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) s.session_policy_arns.push_back(r.str());
  if (!r.ok() || !r.done()) return invalid();
  return s;
}

std::string header(std::uint32_t key_id) {
  std::string h(kMagic);
  h.push_back(static_cast<char>(kVersion));
  for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<char>((key_id >> s) & 0xff));
  return h;
}

}  // namespace

void Keyring::add(std::uint32_t id, const Key& key) {
  keys_[id] = key;
  if (keys_.size() == 1) active_ = id;
}

void Keyring::set_active(std::uint32_t id) { active_ = id; }

const Keyring::Key* Keyring::find(std::uint32_t id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

Keyring::~Keyring() {
  for (auto& [id, key] : keys_) crypto::secure_wipe(key);
}

std::string seal_session(const Session& session, const Keyring& keyring, core::Random& random) {
  const Keyring::Key* key = keyring.find(keyring.active_id());
  std::string aad = header(keyring.active_id());
  std::string payload = encode(session);
  auto sealed = crypto::aes256_gcm_seal(crypto::Aes256GcmKey(*key), crypto::as_bytes(payload),
                                        crypto::as_bytes(aad), random);
  crypto::secure_wipe(payload);
  std::string raw = aad;
  raw.append(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  return crypto::base64_encode(raw);
}

core::Result<Session> open_session(std::string_view token, const Keyring& keyring) {
  if (token.empty() || token.size() > kMaxSessionTokenBytes) return invalid();
  auto raw = crypto::base64_decode(token);
  if (!raw || raw->size() < kHeaderBytes + crypto::kAes256GcmOverheadBytes) return invalid();
  std::string_view bytes = *raw;
  if (bytes.substr(0, 4) != kMagic || static_cast<std::uint8_t>(bytes[4]) != kVersion) {
    return invalid();
  }
  std::uint32_t key_id = 0;
  for (size_t i = 5; i < 9; ++i) key_id = key_id << 8 | static_cast<std::uint8_t>(bytes[i]);
  const Keyring::Key* key = keyring.find(key_id);
  if (key == nullptr) return invalid();
  auto plain = crypto::aes256_gcm_open(crypto::Aes256GcmKey(*key),
                                       crypto::as_bytes(bytes.substr(kHeaderBytes)),
                                       crypto::as_bytes(bytes.substr(0, kHeaderBytes)));
  if (!plain) return invalid();
  auto session = decode(std::string_view(reinterpret_cast<const char*>(plain->data()),
                                         plain->size()));
  crypto::secure_wipe(*plain);
  return session;
}

}  // namespace iamd::auth
