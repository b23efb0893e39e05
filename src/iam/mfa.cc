// Virtual MFA devices (spec/iam-policy-sigv4.md §2.10): CreateVirtualMFADevice, EnableMFADevice,
// ResyncMFADevice, DeactivateMFADevice, GetMFADevice, ListMFADevices, ListVirtualMFADevices,
// DeleteVirtualMFADevice and device tags; and check_mfa_code for STS and the console.
//
// Seeds are 40 random bytes (64 base32 characters, like AWS's), sealed before they reach the store
// and returned only by CreateVirtualMFADevice. Codes are RFC 6238 TOTP (auth/totp.h).
// Whose devices a call is about follows the access-key rule (resolve_key_owner): the named user,
// or, with no UserName, the calling user or root itself.
#include "iam/mfa.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "auth/totp.h"
#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"
#include "iam/rules.h"
#include "iam/service.h"
#include "store/mfa.h"

namespace iamd::iam {

using core::ErrorCode;
using store::Entities;
using store::MfaEntities;
using store::VirtualMfaDevice;

namespace {

constexpr size_t kMfaDevicesPerUser = 8;
constexpr size_t kSeedBytes = 40;
// EnableMFADevice and ResyncMFADevice look for the two consecutive codes this many steps either
// side of now (10 minutes), so that a device whose clock is off can be (re)anchored.
constexpr int kSyncWindowSteps = 20;
// What authenticator apps show as the account's issuer; AWS's own (observed QR codes).
constexpr std::string_view kIssuer = "Amazon Web Services";

bool is_serial(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '=' || c == '/' || c == ':' || c == ',' || c == '.' ||
              c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr api::StringRule kSerialNumber{9, 256, "[\\w+=/:,.@-]+", is_serial};
constexpr api::StringRule kAuthenticationCode{6, 6, "[\\d]+", is_digits, true};
constexpr api::StringRule kDeviceName{1, std::numeric_limits<size_t>::max(), rules::kNamePattern,
                                      rules::is_name};

core::TimePoint whole_seconds(core::TimePoint t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

/// arn:aws:iam::ACCOUNT:mfa/PATH/NAME -> the account and the device's store key.
struct SerialRef {
  std::string account;
  std::string key;
};
std::optional<SerialRef> parse_serial(std::string_view serial) {
  auto arn = core::Arn::parse(serial);
  if (!arn || arn->partition != core::kPartition || arn->service != "iam" ||
      !arn->region.empty() || !arn->resource.starts_with("mfa/")) {
    return std::nullopt;
  }
  std::string rest = arn->resource.substr(4);
  if (rest.empty() || rest.front() == '/' || rest.back() == '/') return std::nullopt;
  return SerialRef{arn->account, core::ascii_lower(rest)};
}

core::Error no_such_device(std::string_view serial) {
  return core::Error{ErrorCode::NoSuchEntity, "VirtualMFADevice with serial number " +
                                                  std::string(serial) + " doesn't exist."};
}

core::Error not_enabled_for(std::string_view serial, std::string_view user_name) {
  return core::Error{ErrorCode::NoSuchEntity, "MFA Device with serial number " +
                                                  std::string(serial) +
                                                  " is not enabled for user " +
                                                  std::string(user_name) + "."};
}

core::Error invalid_code() {
  return core::Error{ErrorCode::InvalidAuthenticationCode,
                     "Authentication code for device is not valid."};
}

// The device of `account` named by `serial`, if any. Serial numbers compare case-insensitively,
// as the IAM names in them do.
core::Result<std::optional<VirtualMfaDevice>> find_by_serial(MfaEntities& m,
                                                             std::string_view account,
                                                             std::string_view serial) {
  auto ref = parse_serial(serial);
  if (!ref || ref->account != account) return std::optional<VirtualMfaDevice>{};
  return m.find_device(account, ref->key);
}

// The device's TOTP key: its sealed base32 seed, opened and decoded.
core::Result<core::Secret> device_key(const core::Sealer& sealer, const VirtualMfaDevice& d) {
  auto seed = sealer.open(d.sealed_seed, d.serial_number());
  IAMD_TRY(seed);
  auto key = auth::totp::base32_decode(seed->reveal());
  if (!key || key->empty()) {
    return core::Error{ErrorCode::ServiceFailure, "The MFA device's seed could not be read."};
  }
  core::Secret secret(std::move(*key));
  return secret;
}

// otpauth://totp/Amazon%20Web%20Services:DEVICE@ACCOUNT?secret=SEED&issuer=Amazon%20Web%20Services
// ACCOUNT is the account alias, or the account id when there is none.
std::string otpauth_uri(std::string_view device_name, std::string_view account_name,
                        std::string_view seed) {
  std::string uri = "otpauth://totp/";
  uri += core::uri_encode(kIssuer);
  uri += ':';
  uri += core::uri_encode(device_name);
  uri += '@';
  uri += core::uri_encode(account_name);
  uri += "?secret=";
  uri += seed;
  uri += "&issuer=";
  uri += core::uri_encode(kIssuer);
  return uri;
}

// Tag keys on MFA devices compare case-sensitively (only users' and roles' do not, spec §2.0).

// Reads SerialNumber and both authentication codes (EnableMFADevice, ResyncMFADevice).
struct TwoCodes {
  std::string serial;
  std::string code1;
  std::string code2;
};
TwoCodes read_two_codes(api::Input& in) {
  TwoCodes c;
  c.serial = in.required_string("SerialNumber", kSerialNumber);
  c.code1 = in.required_string("AuthenticationCode1", kAuthenticationCode);
  c.code2 = in.required_string("AuthenticationCode2", kAuthenticationCode);
  return c;
}

// Anchors `device` on two consecutive codes: the step of the second code becomes the last one
// accepted, and its distance from now the device's drift. InvalidAuthenticationCode when the
// codes are wrong, not consecutive, or not later than a step already accepted.
core::Status anchor(VirtualMfaDevice& device, const core::Sealer& sealer, const TwoCodes& codes,
                    core::TimePoint now) {
  auto key = device_key(sealer, device);
  IAMD_TRY(key);
  auto step = auth::totp::verify_consecutive(crypto::as_bytes(key->reveal()), codes.code1,
                                             codes.code2, now, kSyncWindowSteps, device.last_step);
  if (!step) return invalid_code();
  device.last_step = *step;
  device.drift = *step - auth::totp::time_step(now);
  return {};
}

void write_list_user(api::OutNode& out, const std::optional<store::User>& user,
                     const std::optional<store::Account>& account, std::string_view account_id) {
  if (user) {
    write_user(out, *user, false);
    return;
  }
  // The root user, as GetUser shows it.
  out.add_string("UserId", std::string(account_id));
  out.add_string("Arn", core::root_arn(account_id));
  if (account) out.add_timestamp("CreateDate", core::format_iso8601(account->create_date));
}

}  // namespace

// --- shared lookups ------------------------------------------------------------------------------

core::Result<VirtualMfaDevice> Service::load_mfa_device(
    MfaEntities& m, const api::Context& ctx, std::string_view serial, std::string_view action,
    std::vector<std::pair<std::string, policy::ContextValue>> keys) const {
  auto device = find_by_serial(m, ctx.caller.account, serial);
  IAMD_TRY(device);
  if (!device->has_value()) {
    IAMD_TRY(authorize(ctx, authz::Request{action, serial, std::move(keys)}));
    return no_such_device(serial);
  }
  std::string arn = (*device)->serial_number();
  IAMD_TRY(authorize(ctx, authz::Request{action, arn, std::move(keys), &(*device)->tags}));
  return std::move(**device);
}

// --- operations ----------------------------------------------------------------------------------

core::Result<api::Output> Service::create_virtual_mfa_device(const api::Context& ctx,
                                                             api::Input& in) {
  VirtualMfaDevice device;
  device.path = in.optional_string("Path", rules::kPath).value_or("/");
  device.name = in.required_string("VirtualMFADeviceName", kDeviceName);
  device.tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(device.tags, TagKeys::CaseSensitive));
  device.account = ctx.caller.account;
  device.create_date = whole_seconds(ctx.now);
  const std::string serial = device.serial_number();
  IAMD_TRY(authorize(ctx, authz::Request{"iam:CreateVirtualMFADevice", serial,
                                         request_tag_keys(device.tags)}));
  if (serial.size() > kSerialNumber.max_len) {
    // Every later call names the device by its serial number, which may not be longer.
    return core::Error{ErrorCode::InvalidInput,
                       "The serial number of the device would be longer than 256 characters."};
  }

  std::array<std::uint8_t, kSeedBytes> raw;
  d_.random.fill(raw);
  core::Secret seed(auth::totp::base32_encode(raw));
  crypto::secure_wipe(raw);
  device.sealed_seed = d_.sealer.seal(seed.reveal(), serial);

  std::string account_name = ctx.caller.account;
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    MfaEntities m(tx);
    auto existing = m.find_device(device.account, device.key());
    IAMD_TRY(existing);
    if (existing->has_value()) {
      return core::Error{ErrorCode::EntityAlreadyExists,
                         "MFADevice entity at the same path and name already exists."};
    }
    auto account = Entities(tx).find_account(device.account);
    IAMD_TRY(account);
    account_name = ctx.caller.account;
    if (account->has_value() && !(*account)->alias.empty()) account_name = (*account)->alias;
    return m.put_device(device);
  }));

  std::string png = auth::totp::qr_png(otpauth_uri(device.name, account_name, seed.reveal()));
  if (png.empty()) {
    return core::Error{ErrorCode::ServiceFailure, "The QR code could not be generated."};
  }
  api::Output out;
  auto& v = out.result.add_struct("VirtualMFADevice");
  v.add_string("SerialNumber", serial);
  // Blobs: the seed's base32 text and the PNG's bytes, each base64-encoded (spec §1.3).
  v.add_string("Base32StringSeed", crypto::base64_encode(seed.reveal()));
  v.add_string("QRCodePNG", crypto::base64_encode(png));
  if (!device.tags.empty()) write_tags(v.add_list("Tags"), device.tags);
  return out;
}

core::Result<api::Output> Service::enable_mfa_device(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  TwoCodes codes = read_two_codes(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:EnableMFADevice");
    IAMD_TRY(user);
    MfaEntities m(tx);
    auto device = find_by_serial(m, ctx.caller.account, codes.serial);
    IAMD_TRY(device);
    if (!device->has_value()) return no_such_device(codes.serial);
    if ((*device)->assigned()) {
      return core::Error{ErrorCode::EntityAlreadyExists, "MFA Device is already in use."};
    }
    auto enabled = m.devices_of(ctx.caller.account, user->id);
    IAMD_TRY(enabled);
    if (enabled->size() >= kMfaDevicesPerUser) {
      return core::Error{ErrorCode::LimitExceeded, "Cannot exceed quota for MFADevicesPerUser: " +
                                                       std::to_string(kMfaDevicesPerUser)};
    }
    IAMD_TRY(anchor(**device, d_.sealer, codes, ctx.now));
    (*device)->user_id = user->id;
    (*device)->enable_date = whole_seconds(ctx.now);
    return m.put_device(**device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::resync_mfa_device(const api::Context& ctx, api::Input& in) {
  auto name = in.required_string("UserName", rules::kExistingUserName);
  TwoCodes codes = read_two_codes(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto user = load_user(e, ctx, name, "iam:ResyncMFADevice");
    IAMD_TRY(user);
    MfaEntities m(tx);
    auto device = find_by_serial(m, ctx.caller.account, codes.serial);
    IAMD_TRY(device);
    if (!device->has_value()) return no_such_device(codes.serial);
    if ((*device)->user_id != user->id) return not_enabled_for(codes.serial, user->name);
    IAMD_TRY(anchor(**device, d_.sealer, codes, ctx.now));
    return m.put_device(**device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::deactivate_mfa_device(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto owner = resolve_key_owner(e, ctx, *target, "iam:DeactivateMFADevice");
    IAMD_TRY(owner);
    MfaEntities m(tx);
    auto device = find_by_serial(m, ctx.caller.account, serial);
    IAMD_TRY(device);
    if (!device->has_value()) return no_such_device(serial);
    if ((*device)->user_id != owner->owner_id) {
      return not_enabled_for(serial, owner->user_name.empty() ? "root" : owner->user_name);
    }
    // The last accepted step stays: codes already spent stay spent if the device is re-enabled.
    (*device)->user_id.clear();
    (*device)->enable_date.reset();
    (*device)->drift = 0;
    return m.put_device(**device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::get_mfa_device(const api::Context& ctx, api::Input& in) {
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  KeyOwner owner;
  VirtualMfaDevice device;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto o = resolve_key_owner(e, ctx, *target, "iam:GetMFADevice");
    IAMD_TRY(o);
    owner = std::move(*o);
    MfaEntities m(tx);
    auto d = find_by_serial(m, ctx.caller.account, serial);
    IAMD_TRY(d);
    if (!d->has_value() || (*d)->user_id != owner.owner_id) return no_such_device(serial);
    device = std::move(**d);
    return {};
  }));
  api::Output out;
  out.result.add_string("UserName", owner.user_name.empty() ? "root" : owner.user_name);
  out.result.add_string("SerialNumber", device.serial_number());
  if (device.enable_date) {
    out.result.add_timestamp("EnableDate", core::format_iso8601(*device.enable_date));
  }
  return out;
}

core::Result<api::Output> Service::list_mfa_devices(const api::Context& ctx, api::Input& in) {
  auto name = in.optional_string("UserName", rules::kExistingUserName);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  auto target = target_user_name(ctx, name);
  IAMD_TRY(target);
  KeyOwner owner;
  std::vector<VirtualMfaDevice> devices;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto o = resolve_key_owner(e, ctx, *target, "iam:ListMFADevices");
    IAMD_TRY(o);
    owner = std::move(*o);
    auto d = MfaEntities(tx).devices_of(ctx.caller.account, owner.owner_id);
    IAMD_TRY(d);
    devices = std::move(*d);
    return {};
  }));
  std::vector<std::string> keys;
  for (const auto& d : devices) keys.push_back(d.key());
  PageRange range = page_range(keys, page);
  api::Output out;
  auto& list = out.result.add_list("MFADevices");
  for (size_t i = range.begin; i < range.end; ++i) {
    auto& item = list.add_item();
    item.add_string("UserName", owner.user_name.empty() ? "root" : owner.user_name);
    item.add_string("SerialNumber", devices[i].serial_number());
    if (devices[i].enable_date) {
      item.add_timestamp("EnableDate", core::format_iso8601(*devices[i].enable_date));
    }
  }
  write_page_end(out.result, range);
  return out;
}

core::Result<api::Output> Service::list_virtual_mfa_devices(const api::Context& ctx,
                                                            api::Input& in) {
  auto status =
      in.optional_enum("AssignmentStatus", {"Assigned", "Unassigned", "Any"}).value_or("Any");
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  IAMD_TRY(authorize(ctx, "iam:ListVirtualMFADevices", "*"));
  struct Listed {
    VirtualMfaDevice device;
    std::optional<store::User> user;  // for devices enabled for an IAM user
  };
  std::vector<Listed> listed;
  std::optional<store::Account> account;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    Entities e(tx);
    auto a = e.find_account(ctx.caller.account);
    IAMD_TRY(a);
    account = std::move(*a);
    auto devices = MfaEntities(tx).list_devices(ctx.caller.account);
    IAMD_TRY(devices);
    for (auto& d : *devices) {
      if (status == "Assigned" && !d.assigned()) continue;
      if (status == "Unassigned" && d.assigned()) continue;
      Listed l{std::move(d), std::nullopt};
      if (l.device.assigned() && l.device.user_id != store::kRootOwner) {
        auto u = e.find_user_by_id(ctx.caller.account, l.device.user_id);
        IAMD_TRY(u);
        l.user = std::move(*u);
      }
      listed.push_back(std::move(l));
    }
    return {};
  }));
  std::vector<std::string> keys;
  for (const auto& l : listed) keys.push_back(l.device.key());
  PageRange range = page_range(keys, page);
  api::Output out;
  auto& list = out.result.add_list("VirtualMFADevices");
  for (size_t i = range.begin; i < range.end; ++i) {
    const auto& d = listed[i].device;
    auto& item = list.add_item();
    item.add_string("SerialNumber", d.serial_number());
    if (d.assigned()) {
      write_list_user(item.add_struct("User"), listed[i].user, account, ctx.caller.account);
    }
    if (d.enable_date) item.add_timestamp("EnableDate", core::format_iso8601(*d.enable_date));
    if (!d.tags.empty()) write_tags(item.add_list("Tags"), d.tags);
  }
  write_page_end(out.result, range);
  return out;
}

core::Result<api::Output> Service::delete_virtual_mfa_device(const api::Context& ctx,
                                                             api::Input& in) {
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    MfaEntities m(tx);
    auto device = load_mfa_device(m, ctx, serial, "iam:DeleteVirtualMFADevice");
    IAMD_TRY(device);
    if (device->assigned()) {
      return core::Error{ErrorCode::DeleteConflict, "MFA device is still in use."};
    }
    return m.erase_device(*device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::tag_mfa_device(const api::Context& ctx, api::Input& in) {
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  if (!in.has_list("Tags")) in.violation("Tags", std::nullopt, "Member must not be null");
  auto tags = read_tags(in);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_tags(tags, TagKeys::CaseSensitive));
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    MfaEntities m(tx);
    auto device = load_mfa_device(m, ctx, serial, "iam:TagMFADevice", request_tag_keys(tags));
    IAMD_TRY(device);
    IAMD_TRY(merge_tags(device->tags, tags, TagKeys::CaseSensitive));
    return m.put_device(*device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::untag_mfa_device(const api::Context& ctx, api::Input& in) {
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  if (!in.has_list("TagKeys")) in.violation("TagKeys", std::nullopt, "Member must not be null");
  auto keys = in.string_list("TagKeys", rules::kTagKey, rules::kMaxTags);
  IAMD_TRY(in.finish());
  IAMD_TRY(d_.store.write([&](store::Transaction& tx) -> core::Status {
    MfaEntities m(tx);
    auto device = load_mfa_device(m, ctx, serial, "iam:UntagMFADevice",
                                  {{"aws:TagKeys", policy::ContextValue{keys, true}}});
    IAMD_TRY(device);
    std::erase_if(device->tags, [&](const store::Tag& t) {
      return std::find(keys.begin(), keys.end(), t.key) != keys.end();
    });
    return m.put_device(*device);
  }));
  return api::Output::none();
}

core::Result<api::Output> Service::list_mfa_device_tags(const api::Context& ctx, api::Input& in) {
  auto serial = in.required_string("SerialNumber", kSerialNumber);
  api::Page page = in.page();
  IAMD_TRY(in.finish());
  std::vector<store::Tag> tags;
  IAMD_TRY(d_.store.read([&](store::Transaction& tx) -> core::Status {
    MfaEntities m(tx);
    auto device = load_mfa_device(m, ctx, serial, "iam:ListMFADeviceTags");
    IAMD_TRY(device);
    tags = std::move(device->tags);
    return {};
  }));
  return sorted_tags_page(std::move(tags), page);
}

// --- for STS and the console ---------------------------------------------------------------------

core::Result<MfaCheck> check_mfa_code(store::Store& store, const core::Sealer& sealer,
                                      std::string_view account, std::string_view user_id,
                                      std::string_view serial_number, std::string_view code,
                                      core::TimePoint now) {
  MfaCheck check;
  IAMD_TRY(store.write([&](store::Transaction& tx) -> core::Status {
    check = MfaCheck{};  // the store may run this function again on a conflict
    MfaEntities m(tx);
    auto device = find_by_serial(m, account, serial_number);
    IAMD_TRY(device);
    if (!device->has_value()) {
      check.outcome = MfaCheck::Outcome::NoSuchDevice;
      return {};
    }
    VirtualMfaDevice& d = **device;
    if (user_id.empty() || d.user_id != user_id || !d.enable_date) {
      check.outcome = MfaCheck::Outcome::NotEnabled;
      return {};
    }
    auto key = device_key(sealer, d);
    IAMD_TRY(key);
    const std::int64_t now_step = auth::totp::time_step(now);
    // One step of drift around now, and around the device's own clock when a resync found it off.
    std::vector<std::int64_t> matched = auth::totp::matching_steps(
        crypto::as_bytes(key->reveal()), code, now_step, auth::totp::kDriftSteps);
    if (d.drift != 0) {
      for (std::int64_t s : auth::totp::matching_steps(crypto::as_bytes(key->reveal()), code,
                                                       now_step + d.drift,
                                                       auth::totp::kDriftSteps)) {
        if (std::find(matched.begin(), matched.end(), s) == matched.end()) matched.push_back(s);
      }
    }
    if (matched.empty()) {
      check.outcome = MfaCheck::Outcome::InvalidCode;
      return {};
    }
    auto fresh = std::find_if(matched.begin(), matched.end(), [&](std::int64_t s) {
      return !d.last_step || s > *d.last_step;
    });
    if (fresh == matched.end()) {
      check.outcome = MfaCheck::Outcome::CodeReused;
      return {};
    }
    d.last_step = *fresh;
    IAMD_TRY(m.put_device(d));
    check.outcome = MfaCheck::Outcome::Accepted;
    check.step = *fresh;
    return {};
  }));
  return check;
}

core::Result<std::vector<std::string>> enabled_mfa_serials(store::Store& store,
                                                           std::string_view account,
                                                           std::string_view user_id) {
  std::vector<std::string> serials;
  IAMD_TRY(store.read([&](store::Transaction& tx) -> core::Status {
    serials.clear();
    auto devices = MfaEntities(tx).devices_of(account, user_id);
    IAMD_TRY(devices);
    for (const auto& d : *devices) serials.push_back(d.serial_number());
    return {};
  }));
  return serials;
}

}  // namespace iamd::iam
