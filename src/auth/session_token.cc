#include "auth/session_token.h"

#include <array>
#include <cstring>

#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"
#include "crypto/constant_time.h"

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

// base64 as crypto::base64_decode reads it (padded, canonical, the standard alphabet), decoded
// into `out`, which keeps its capacity between tokens. Four characters at a time through one
// table: a character outside the alphabet has its high bit set and is noticed once, at the end,
// instead of by a branch per character. Every request with temporary credentials decodes a token
// of several hundred characters, and this is most of the cost of opening it.
constexpr std::array<std::uint8_t, 256> kBase64Values = [] {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<std::uint8_t, 256> values{};
  values.fill(0x80);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return values;
}();

bool decode_base64(std::string_view text, std::string& out) {
  const std::size_t n = text.size();
  if (n % 4 != 0) return false;
  if (n == 0) {
    out.clear();
    return true;
  }
  // '=' only as the last one or two characters; anywhere else it is outside the alphabet.
  const std::size_t pad = text[n - 1] != '=' ? 0 : text[n - 2] != '=' ? 1 : 2;
  out.resize(n / 4 * 3 - pad);
  auto value = [&](std::size_t i) -> std::uint32_t {
    return kBase64Values[static_cast<unsigned char>(text[i])];
  };
  std::uint32_t bad = 0;
  char* p = out.data();
  const std::size_t whole = pad == 0 ? n : n - 4;  // quanta without padding
  for (std::size_t i = 0; i < whole; i += 4) {
    const std::uint32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
    bad |= a | b | c | d;
    const std::uint32_t v = a << 18 | b << 12 | c << 6 | d;
    p[0] = static_cast<char>(v >> 16);
    p[1] = static_cast<char>(v >> 8);
    p[2] = static_cast<char>(v);
    p += 3;
  }
  if (pad != 0) {
    const std::uint32_t a = value(n - 4), b = value(n - 3);
    const std::uint32_t c = pad == 1 ? value(n - 2) : 0;
    bad |= a | b | c;
    const std::uint32_t v = a << 18 | b << 12 | c << 6;
    *p++ = static_cast<char>(v >> 16);
    if (pad == 1) *p++ = static_cast<char>(v >> 8);
    // Canonical form: the bits the padding drops must be zero.
    if ((v & (pad == 1 ? 0xffu : 0xffffu)) != 0) return false;
  }
  return (bad & 0x80) == 0;
}

// Tokens opened lately on this thread, each with the key that opened it. A client sends the same
// token with every request of its session, so most opens end here: the token is compared byte
// for byte, and the keyring asked whether it still holds the very same key under that id (a key
// pruned or replaced since makes the entry useless, as it would make opening fail). The token
// and the key decide what opening gives, so what is found here is exactly that; expiry is the
// caller's to check either way. Per thread, so no lock; direct-mapped by the token's nonce,
// which is random for every token sealed (an attacker choosing nonces can only evict entries).
// Session secrets held here are wiped when an entry is replaced or the thread ends.
class OpenedTokens {
 public:
  static constexpr std::size_t kSlots = 32;
  static constexpr std::size_t kMaxTokenBytes = 4096;  // larger tokens are opened every time

  const Session* find(std::string_view token, const Keyring& keyring) const {
    const Entry& e = entries_[slot(token)];
    if (!e.used || e.token != token) return nullptr;
    const Keyring::Key* key = keyring.find(e.key_id);
    if (key == nullptr ||
        !crypto::constant_time_equal(crypto::as_chars(*key), crypto::as_chars(e.key))) {
      return nullptr;
    }
    return &e.session;
  }

  void remember(std::string_view token, std::uint32_t key_id, const Keyring::Key& key,
                const Session& session) {
    if (token.size() > kMaxTokenBytes || token.size() < kNonceEnd) return;
    Entry& e = entries_[slot(token)];
    e.token.assign(token);
    e.key_id = key_id;
    e.key = key;
    e.session = session;
    e.used = true;
  }

 private:
  // The base64 characters [12, 28) encode the token's bytes 9..20: its AES-GCM nonce.
  static constexpr std::size_t kNonceBegin = 12;
  static constexpr std::size_t kNonceEnd = 28;

  struct Entry {
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() { crypto::secure_wipe(key); }
    std::string token;
    std::uint32_t key_id = 0;
    Keyring::Key key{};
    Session session;
    bool used = false;
  };

  static std::size_t slot(std::string_view token) {
    if (token.size() < kNonceEnd) return 0;
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, token.data() + kNonceBegin, sizeof a);
    std::memcpy(&b, token.data() + kNonceBegin + 8, sizeof b);
    const std::uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ULL)) * 0xD6E8FEB86659FD93ULL;
    return static_cast<std::size_t>(h >> 32) % kSlots;
  }

  std::array<Entry, kSlots> entries_;
};

OpenedTokens& opened_tokens() {
  thread_local OpenedTokens tokens;
  return tokens;
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
  OpenedTokens& opened = opened_tokens();
  if (const Session* known = opened.find(token, keyring)) return *known;
  thread_local std::string raw;  // not secret: the token is ciphertext
  if (!decode_base64(token, raw) || raw.size() < kHeaderBytes + crypto::kAes256GcmOverheadBytes) {
    return invalid();
  }
  const std::string_view bytes = raw;
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
  if (session) opened.remember(token, key_id, *key, *session);
  return session;
}

}  // namespace iamd::auth
