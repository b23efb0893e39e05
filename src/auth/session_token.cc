#include "auth/session_token.h"

#include <array>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"
#include "crypto/constant_time.h"

namespace iamd::auth {
namespace {

constexpr std::string_view kMagic = "IAMD";
constexpr size_t kHeaderBytes = 4 + 1 + 4;
constexpr size_t kMaxFieldBytes = 8 * 1024;
constexpr size_t kMaxListItems = 64;

// Payload versions. 1: fixed-width lengths and times, every field stored. 2 (what is sealed now):
// LEB128 lengths, counts and times, and the ARN and user id left out when they follow from the
// other fields, as they always do for the sessions STS issues. A token is sent and hashed with
// every request its session signs, so its size is paid on each; version 2 is about 40% shorter.
// Version 1 tokens are still opened: clients hold tokens for up to 36 hours.
constexpr std::uint8_t kVersion1 = 1;
constexpr std::uint8_t kVersion2 = 2;

// Version 2's flags byte.
constexpr std::uint8_t kMfaPresent = 1;
constexpr std::uint8_t kChained = 2;
constexpr std::uint8_t kArnDerived = 4;
constexpr std::uint8_t kUserIdDerived = 8;
constexpr std::uint8_t kRoleArnLocal = 16;    // role_arn without "arn:aws:iam::ACCOUNT:"
constexpr std::uint8_t kSourceArnLocal = 32;  // source_arn likewise
constexpr std::uint8_t kKnownFlags =
    kMfaPresent | kChained | kArnDerived | kUserIdDerived | kRoleArnLocal | kSourceArnLocal;

core::Error invalid() {
  return core::Error{core::ErrorCode::InvalidClientTokenId,
                     "The security token included in the request is invalid."};
}

std::int64_t millis(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The part of an IAM ARN in the session's own account after "arn:aws:iam::ACCOUNT:"; nullopt for
// any other ARN. Roles and the principals that assume them are mostly in the session's account.
std::optional<std::string_view> local_part(std::string_view arn, std::string_view account) {
  constexpr std::string_view kIam = "arn:aws:iam::";
  if (!arn.starts_with(kIam) || arn.substr(kIam.size()).substr(0, account.size()) != account ||
      arn.size() <= kIam.size() + account.size() || arn[kIam.size() + account.size()] != ':') {
    return std::nullopt;
  }
  return arn.substr(kIam.size() + account.size() + 1);
}

// `parts` joined, allocated once: a token opened is a session rebuilt, on the request path.
std::string joined(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (std::string_view part : parts) out.append(part);
  return out;
}

// The ARN and aws:userid a session of this kind has, from its other fields (as sts/ issues them).
std::string derived_arn(const Session& s) {
  switch (s.kind) {
    case Session::Kind::AssumedRole: {
      const std::string_view role_arn = s.role_arn;
      const std::string_view role_name = role_arn.substr(role_arn.rfind('/') + 1);
      return joined({"arn:aws:sts::", s.account, ":assumed-role/", role_name, "/", s.session_name});
    }
    case Session::Kind::FederatedUser:
      return joined({"arn:aws:sts::", s.account, ":federated-user/", s.session_name});
    case Session::Kind::SessionToken:
      return s.source_arn;
  }
  return {};
}

std::string derived_user_id(const Session& s) {
  switch (s.kind) {
    case Session::Kind::AssumedRole:
      return joined({s.role_id, ":", s.session_name});
    case Session::Kind::FederatedUser:
      return joined({s.account, ":", s.session_name});
    case Session::Kind::SessionToken:
      return s.source_user_id;
  }
  return {};
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) u8(static_cast<std::uint8_t>(v | 0x80));
    u8(static_cast<std::uint8_t>(v));
  }
  void time(core::TimePoint t) { varint(static_cast<std::uint64_t>(millis(t))); }
  void str(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads either version: lengths, counts and times are fixed-width in version 1 and LEB128 in 2.
// Any read past the end, overlong number or oversized field makes ok() false for good.
class Reader {
 public:
  Reader(std::string_view in, std::uint8_t version) : in_(in), varints_(version >= kVersion2) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::uint8_t u8() { return need(1) ? static_cast<std::uint8_t>(in_[pos_++]) : 0; }
  std::uint64_t number(int fixed_bytes) {
    if (!varints_) return fixed(fixed_bytes);
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  std::size_t count() {
    const std::uint64_t n = number(4);
    if (n > kMaxListItems) ok_ = false;
    return ok_ ? static_cast<std::size_t>(n) : 0;
  }
  std::string str() {
    const std::uint64_t n = number(4);
    if (n > kMaxFieldBytes || !need(static_cast<std::size_t>(n))) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  core::TimePoint time() {
    const auto ms = static_cast<std::int64_t>(number(8));
    return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(
        std::chrono::milliseconds(ms)));
  }

 private:
  std::uint64_t fixed(int bytes) {
    if (!need(static_cast<std::size_t>(bytes))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<std::uint8_t>(in_[pos_++]);
    return v;
  }
  bool need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
  bool varints_;
};

// Version 2: kind, flags, the strings (ARN and user id only when not derived; the role's and the
// source's ARN without their prefix when in the session's account), the three times,
// then tags, transitive tag keys, the session policy and the policy ARNs.
std::string encode(const Session& s) {
  const bool arn_derived = s.arn == derived_arn(s);
  const bool user_id_derived = s.user_id == derived_user_id(s);
  const auto role_arn_local = local_part(s.role_arn, s.account);
  const auto source_arn_local = local_part(s.source_arn, s.account);
  Writer w;
  w.u8(static_cast<std::uint8_t>(s.kind));
  w.u8(static_cast<std::uint8_t>(
      (s.mfa_present ? kMfaPresent : 0) | (s.chained ? kChained : 0) |
      (arn_derived ? kArnDerived : 0) | (user_id_derived ? kUserIdDerived : 0) |
      (role_arn_local ? kRoleArnLocal : 0) | (source_arn_local ? kSourceArnLocal : 0)));
  w.str(s.access_key_id);
  w.str(s.secret_access_key.reveal());
  w.str(s.account);
  if (!arn_derived) w.str(s.arn);
  if (!user_id_derived) w.str(s.user_id);
  w.str(role_arn_local.value_or(s.role_arn));
  for (std::string_view f : {std::string_view(s.role_id), std::string_view(s.session_name)}) {
    w.str(f);
  }
  w.str(source_arn_local.value_or(s.source_arn));
  for (std::string_view f :
       {std::string_view(s.source_user_id), std::string_view(s.source_identity)}) {
    w.str(f);
  }
  w.time(s.issued_at);
  w.time(s.expires_at);
  w.time(s.mfa_authenticated_at);
  w.varint(s.tags.size());
  for (const auto& [k, v] : s.tags) {
    w.str(k);
    w.str(v);
  }
  w.varint(s.transitive_tag_keys.size());
  for (const auto& k : s.transitive_tag_keys) w.str(k);
  w.str(s.session_policy);
  w.varint(s.session_policy_arns.size());
  for (const auto& a : s.session_policy_arns) w.str(a);
  return std::move(w.bytes());
}

// Decodes into `s` (fresh), in place: a session opened is built where it will live.
bool decode(std::string_view bytes, std::uint8_t version, Session& s) {
  Reader r(bytes, version);
  const std::uint8_t kind = r.u8();
  if (kind < 1 || kind > 3) return false;
  s.kind = static_cast<Session::Kind>(kind);
  const std::uint8_t flags = version >= kVersion2 ? r.u8() : 0;
  if ((flags & ~kKnownFlags) != 0) return false;
  s.access_key_id = r.str();
  s.secret_access_key = core::Secret(r.str());
  s.account = r.str();
  if ((flags & kArnDerived) == 0) s.arn = r.str();
  if ((flags & kUserIdDerived) == 0) s.user_id = r.str();
  s.role_arn = r.str();
  s.role_id = r.str();
  s.session_name = r.str();
  s.source_arn = r.str();
  s.source_user_id = r.str();
  s.source_identity = r.str();
  s.issued_at = r.time();
  s.expires_at = r.time();
  if (version >= kVersion2) {
    s.mfa_present = (flags & kMfaPresent) != 0;
    s.chained = (flags & kChained) != 0;
    s.mfa_authenticated_at = r.time();
  } else {
    s.mfa_present = r.u8() != 0;
    s.mfa_authenticated_at = r.time();
    s.chained = r.u8() != 0;
  }
  for (std::size_t i = r.count(); i > 0 && r.ok(); --i) {
    std::string k = r.str();
    s.tags.emplace_back(std::move(k), r.str());
  }
  for (std::size_t i = r.count(); i > 0 && r.ok(); --i) s.transitive_tag_keys.push_back(r.str());
  s.session_policy = r.str();
  for (std::size_t i = r.count(); i > 0 && r.ok(); --i) s.session_policy_arns.push_back(r.str());
  if (!r.ok() || !r.done()) return false;
  if ((flags & kRoleArnLocal) != 0) {
    s.role_arn = joined({"arn:aws:iam::", s.account, ":", s.role_arn});
  }
  if ((flags & kSourceArnLocal) != 0) {
    s.source_arn = joined({"arn:aws:iam::", s.account, ":", s.source_arn});
  }
  if ((flags & kArnDerived) != 0) s.arn = derived_arn(s);
  if ((flags & kUserIdDerived) != 0) s.user_id = derived_user_id(s);
  return true;
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
// A session's secret is wiped when its last holder lets go: this cache, when the entry is replaced
// or the thread ends, or a request still using it.
class OpenedTokens {
 public:
  static constexpr std::size_t kSlots = 32;
  static constexpr std::size_t kMaxTokenBytes = 4096;  // larger tokens are opened every time

  std::shared_ptr<const Session> find(std::string_view token, const Keyring& keyring) const {
    const Entry& e = entries_[slot(token)];
    if (e.session == nullptr || e.token != token) return nullptr;
    const Keyring::Key* key = keyring.find(e.key_id);
    if (key == nullptr ||
        !crypto::constant_time_equal(crypto::as_chars(*key), crypto::as_chars(e.key))) {
      return nullptr;
    }
    return e.session;
  }

  void remember(std::string_view token, std::uint32_t key_id, const Keyring::Key& key,
                std::shared_ptr<const Session> session) {
    if (token.size() > kMaxTokenBytes || token.size() < kNonceEnd) return;
    Entry& e = entries_[slot(token)];
    e.token.assign(token);
    e.key_id = key_id;
    e.key = key;
    e.session = std::move(session);
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
    std::shared_ptr<const Session> session;  // null: unused
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
  h.push_back(static_cast<char>(kVersion2));
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

core::Result<std::shared_ptr<const Session>> open_session(std::string_view token,
                                                          const Keyring& keyring) {
  if (token.empty() || token.size() > kMaxSessionTokenBytes) return invalid();
  OpenedTokens& opened = opened_tokens();
  if (auto known = opened.find(token, keyring)) return known;
  thread_local std::string raw;  // not secret: the token is ciphertext
  if (!decode_base64(token, raw) || raw.size() < kHeaderBytes + crypto::kAes256GcmOverheadBytes) {
    return invalid();
  }
  const std::string_view bytes = raw;
  const auto version = static_cast<std::uint8_t>(bytes[4]);
  if (bytes.substr(0, 4) != kMagic || (version != kVersion1 && version != kVersion2)) {
    return invalid();
  }
  std::uint32_t key_id = 0;
  for (size_t i = 5; i < 9; ++i) key_id = key_id << 8 | static_cast<std::uint8_t>(bytes[i]);
  const Keyring::Key* key = keyring.find(key_id);
  if (key == nullptr) return invalid();
  const crypto::Bytes sealed = crypto::as_bytes(bytes.substr(kHeaderBytes));
  // Kept between tokens (no allocation per open) and wiped after each.
  thread_local std::vector<std::uint8_t> plain;
  plain.resize(sealed.size() - crypto::kAes256GcmOverheadBytes);
  if (!crypto::aes256_gcm_open(crypto::Aes256GcmKey(*key), sealed,
                               crypto::as_bytes(bytes.substr(0, kHeaderBytes)), plain)) {
    return invalid();
  }
  auto session = std::make_shared<Session>();
  const bool decoded = decode(crypto::as_chars(plain), version, *session);
  crypto::secure_wipe(plain);
  if (!decoded) return invalid();
  std::shared_ptr<const Session> shared = std::move(session);
  opened.remember(token, key_id, *key, shared);
  return shared;
}

}  // namespace iamd::auth
