#include "store/codec.h"
#include "store/keyring.h"

#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

namespace iamd::store {
namespace json = boost::json;
namespace {

using codec::corrupt;
using codec::from_millis;
using codec::to_millis;
using codec::boolean;
using codec::integer;
using codec::parse_object;
using codec::text;

constexpr std::string_view kPrefix = "keyring/";

std::string key_name(std::uint32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010u", static_cast<unsigned>(id));
  return std::string(kPrefix) + buf;
}

void wipe(void* p, size_t n) {
  volatile auto* b = static_cast<volatile std::uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) b[i] = 0;
}

std::string to_hex(const std::array<std::uint8_t, 32>& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : key) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::array<std::uint8_t, 32>& out) {
  if (hex.size() != 64) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

const KeyringKey* active_key(const std::vector<KeyringKey>& keys) {
  const KeyringKey* active = nullptr;
  for (const auto& k : keys) {
    if (!k.retired && (active == nullptr || k.id > active->id)) active = &k;
  }
  return active;
}

// What maintenance is due: a new key (none active, or the active one too old) and which retired
// keys can go.
struct Plan {
  bool new_key = false;
  std::vector<std::uint32_t> erase;
  bool any() const { return new_key || !erase.empty(); }
};

Plan plan(const std::vector<KeyringKey>& keys, core::TimePoint now, const KeyringPolicy& policy) {
  Plan p;
  const KeyringKey* active = active_key(keys);
  p.new_key = active == nullptr || now - active->created >= policy.rotate_after;
  for (const auto& k : keys) {
    if (k.retired && now - *k.retired >= policy.keep_after_retirement) p.erase.push_back(k.id);
  }
  return p;
}

}  // namespace

OpenedKeyring::~OpenedKeyring() {
  for (auto& k : keys) wipe(k.key.data(), k.key.size());
}

std::string keyring_seal_context(std::uint32_t id) { return key_name(id); }

core::Result<std::vector<KeyringKey>> KeyringEntities::all() {
  std::vector<KeyringKey> out;
  auto add = [&](const std::string& k, std::string& v) -> core::Status {
    boost::system::error_code ec;
    json::value parsed = json::parse(v, ec);
    if (ec || !parsed.is_object()) return corrupt(k);
    const json::object& o = parsed.as_object();
    KeyringKey key;
    auto* id = o.if_contains("id");
    auto* sealed = o.if_contains("key");
    auto* created = o.if_contains("created");
    auto* retired = o.if_contains("retired");
    if (id == nullptr || !id->is_int64() || sealed == nullptr || !sealed->is_string() ||
        created == nullptr || !created->is_int64()) {
      return corrupt(k);
    }
    key.id = static_cast<std::uint32_t>(id->as_int64());
    key.sealed_key = std::string(sealed->as_string());
    key.created = from_millis(created->as_int64());
    if (retired != nullptr && retired->is_int64() && retired->as_int64() != 0) {
      key.retired = from_millis(retired->as_int64());
    }
    out.push_back(std::move(key));
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx_, std::string(kPrefix), add));
  return out;
}

core::Status KeyringEntities::put(const KeyringKey& key) {
  json::object o{{"id", static_cast<std::int64_t>(key.id)},
                 {"key", key.sealed_key},
                 {"created", to_millis(key.created)},
                 {"retired", key.retired ? to_millis(*key.retired) : std::int64_t{0}}};
  return tx_.put(key_name(key.id), json::serialize(o));
}

core::Status KeyringEntities::erase(std::uint32_t id) { return tx_.erase(key_name(id)); }

core::Result<bool> keyring_needs_maintenance(Store& store, core::TimePoint now,
                                             const KeyringPolicy& policy) {
  bool due = false;
  IAMD_TRY(store.read([&](Transaction& tx) -> core::Status {
    auto keys = KeyringEntities(tx).all();
    IAMD_TRY(keys);
    due = plan(*keys, now, policy).any();
    return {};
  }));
  return due;
}

core::Result<bool> maintain_keyring(Store& store, core::Sealer& sealer, core::Random& random,
                                    core::TimePoint now, const KeyringPolicy& policy) {
  // Reading first keeps the common case (nothing due) from bumping the store's generation, which
  // would make every in-memory view reload.
  auto due = keyring_needs_maintenance(store, now, policy);
  IAMD_TRY(due);
  if (!*due) return false;
  // Drawn outside the transaction: a backend may run the function more than once.
  std::array<std::uint8_t, 32> material{};
  random.fill(material);
  bool changed = false;
  auto st = store.write([&](Transaction& tx) -> core::Status {
    KeyringEntities entities(tx);
    auto keys = entities.all();
    IAMD_TRY(keys);
    Plan p = plan(*keys, now, policy);  // again: another node may have done it meanwhile
    changed = p.any();
    for (std::uint32_t id : p.erase) IAMD_TRY(entities.erase(id));
    if (!p.new_key) return {};
    std::uint32_t next = 1;
    for (const auto& k : *keys) next = std::max(next, k.id + 1);
    for (auto k : *keys) {
      if (k.retired) continue;
      k.retired = now;
      IAMD_TRY(entities.put(k));
    }
    KeyringKey fresh;
    fresh.id = next;
    std::string hex = to_hex(material);
    fresh.sealed_key = sealer.seal(hex, keyring_seal_context(next));
    wipe(hex.data(), hex.size());
    fresh.created = now;
    return entities.put(fresh);
  });
  wipe(material.data(), material.size());
  IAMD_TRY(st);
  return changed;
}

core::Result<OpenedKeyring> open_keyring(Transaction& tx, const core::Sealer& sealer) {
  auto keys = KeyringEntities(tx).all();
  IAMD_TRY(keys);
  OpenedKeyring out;
  if (const KeyringKey* active = active_key(*keys)) out.active_id = active->id;
  for (const auto& k : *keys) {
    auto secret = sealer.open(k.sealed_key, keyring_seal_context(k.id));
    IAMD_TRY(secret);
    OpenedKeyringKey opened;
    opened.id = k.id;
    opened.created = k.created;
    opened.retired = k.retired;
    if (!from_hex(secret->reveal(), opened.key)) return corrupt(keyring_seal_context(k.id));
    out.keys.push_back(opened);
    wipe(opened.key.data(), opened.key.size());
  }
  return out;
}

}  // namespace iamd::store
