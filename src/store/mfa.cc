#include "store/codec.h"
#include "store/mfa.h"

#include <boost/json.hpp>

#include "core/strings.h"

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
using codec::encode_tags;
using codec::decode_tags;

std::string devices_prefix(std::string_view account) {
  return "acct/" + std::string(account) + "/mfa/";
}
std::string owner_prefix(std::string_view account, std::string_view owner_id) {
  return "acct/" + std::string(account) + "/mfaof/" + std::string(owner_id) + "/";
}

std::string encode(const VirtualMfaDevice& d) {
  json::object o{{"account", d.account},
                 {"path", d.path},
                 {"name", d.name},
                 {"seed", d.sealed_seed},
                 {"created", to_millis(d.create_date)},
                 {"user_id", d.user_id},
                 {"drift", d.drift},
                 {"tags", encode_tags(d.tags)}};
  if (d.enable_date) o["enabled"] = to_millis(*d.enable_date);
  if (d.last_step) o["last_step"] = *d.last_step;
  return json::serialize(o);
}

VirtualMfaDevice decode(const json::object& o) {
  VirtualMfaDevice d;
  d.account = text(o, "account");
  d.path = text(o, "path");
  d.name = text(o, "name");
  d.sealed_seed = text(o, "seed");
  d.create_date = from_millis(integer(o, "created"));
  d.user_id = text(o, "user_id");
  d.drift = integer(o, "drift");
  if (o.contains("enabled")) d.enable_date = from_millis(integer(o, "enabled"));
  if (o.contains("last_step")) d.last_step = integer(o, "last_step");
  d.tags = decode_tags(o);
  return d;
}

}  // namespace

std::string mfa_device_key(std::string_view path, std::string_view name) {
  std::string k;
  if (path.size() > 1) k = path.substr(1);
  k += name;
  return core::ascii_lower(k);
}

std::string VirtualMfaDevice::serial_number() const {
  std::string out = "arn:aws:iam::" + account + ":mfa/";
  if (path.size() > 1) out += path.substr(1);
  return out + name;
}

std::string VirtualMfaDevice::key() const { return mfa_device_key(path, name); }

core::Result<std::optional<VirtualMfaDevice>> MfaEntities::find_device(
    std::string_view account, std::string_view device_key) {
  std::string k = devices_prefix(account) + std::string(device_key);
  auto raw = tx_.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<VirtualMfaDevice>{};
  auto obj = parse_object(**raw);
  if (!obj) return corrupt(k);
  return std::optional<VirtualMfaDevice>{decode(*obj)};
}

core::Status MfaEntities::put_device(const VirtualMfaDevice& device) {
  const std::string dkey = device.key();
  // Keep the owner index in step: drop the old owner's entry when the owner changes.
  auto previous = find_device(device.account, dkey);
  IAMD_TRY(previous);
  if (previous->has_value() && (*previous)->assigned() &&
      (*previous)->user_id != device.user_id) {
    IAMD_TRY(tx_.erase(owner_prefix(device.account, (*previous)->user_id) + dkey));
  }
  IAMD_TRY(tx_.put(devices_prefix(device.account) + dkey, encode(device)));
  if (device.assigned()) return tx_.put(owner_prefix(device.account, device.user_id) + dkey, "");
  return {};
}

core::Status MfaEntities::erase_device(const VirtualMfaDevice& device) {
  const std::string dkey = device.key();
  if (device.assigned()) IAMD_TRY(tx_.erase(owner_prefix(device.account, device.user_id) + dkey));
  return tx_.erase(devices_prefix(device.account) + dkey);
}

core::Result<std::vector<VirtualMfaDevice>> MfaEntities::list_devices(std::string_view account) {
  std::vector<VirtualMfaDevice> out;
  auto add = [&](const std::string& k, std::string& v) -> core::Status {
    auto obj = parse_object(v);
    if (!obj) return corrupt(k);
    out.push_back(decode(*obj));
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx_, devices_prefix(account), add));
  return out;
}

core::Result<std::vector<VirtualMfaDevice>> MfaEntities::devices_of(std::string_view account,
                                                                    std::string_view owner_id) {
  std::vector<VirtualMfaDevice> out;
  auto serials = codec::key_suffixes(tx_, owner_prefix(account, owner_id));
  IAMD_TRY(serials);
  for (const std::string& serial : *serials) {
    auto d = find_device(account, serial);
    IAMD_TRY(d);
    // The index and the device are written together; a stale entry is skipped, not trusted.
    if (d->has_value() && (*d)->user_id == owner_id) out.push_back(std::move(**d));
  }
  return out;
}

core::Result<MfaCounts> MfaEntities::count(std::string_view account) {
  auto devices = list_devices(account);
  IAMD_TRY(devices);
  MfaCounts c;
  c.devices = devices->size();
  for (const auto& d : *devices) {
    if (!d.assigned()) continue;
    ++c.in_use;
    if (d.user_id == kRootOwner) c.root_enabled = true;
  }
  return c;
}

}  // namespace iamd::store
