#pragma once
// Virtual MFA devices in the store.
//
// Key layout (persisted; never change silently — add a migration instead):
//   acct/<account>/mfa/<lower path-without-leading-slash + name>   VirtualMfaDevice
//                        (the serial number's resource part, lower-cased: "mfa/eng/JaneMFA" is
//                         stored under acct/<account>/mfa/eng/janemfa)
//   acct/<account>/mfaof/<user id or "root">/<same device key>    ""   (a principal's enabled devices)
// The seed is sealed (core::Sealer, bound to the serial number) before it reaches the store.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/entities.h"
#include "store/store.h"

namespace iamd::store {

struct VirtualMfaDevice {
  std::string account;
  std::string path = "/";
  std::string name;
  std::string sealed_seed;  // the base32 seed text, sealed with the serial number as context
  core::TimePoint create_date;
  /// The owner while the device is enabled: a user id or kRootOwner. Empty: unassigned.
  std::string user_id;
  std::optional<core::TimePoint> enable_date;
  /// The last TOTP time step accepted from this device (a code is accepted once); kept across
  /// deactivation so that old codes stay spent.
  std::optional<std::int64_t> last_step;
  /// The device's clock offset in time steps, set by EnableMFADevice and ResyncMFADevice.
  std::int64_t drift = 0;
  std::vector<Tag> tags;

  bool assigned() const { return !user_id.empty(); }
  /// arn:aws:iam::ACCOUNT:mfa/PATH-WITHOUT-LEADING-SLASH NAME
  std::string serial_number() const;
  /// Where the device lives under acct/<account>/mfa/ (also its listing order and marker).
  std::string key() const;
};

/// The store key of a device from its path and name: lower-cased "<path without leading />name".
std::string mfa_device_key(std::string_view path, std::string_view name);

/// Devices in an account, for GetAccountSummary.
struct MfaCounts {
  size_t devices = 0;          // every virtual device
  size_t in_use = 0;           // enabled (assigned) devices
  bool root_enabled = false;   // the root user has an enabled device
};

class MfaEntities {
 public:
  explicit MfaEntities(Transaction& tx) : tx_(tx) {}

  /// The device under `device_key` (mfa_device_key), if any.
  core::Result<std::optional<VirtualMfaDevice>> find_device(std::string_view account,
                                                            std::string_view device_key);
  /// Inserts or replaces, keeping the owner index in step with `device.user_id`.
  core::Status put_device(const VirtualMfaDevice& device);
  core::Status erase_device(const VirtualMfaDevice& device);
  /// Every device of the account, in key order.
  core::Result<std::vector<VirtualMfaDevice>> list_devices(std::string_view account);
  /// The devices enabled for a user (or for root with owner_id kRootOwner), in key order.
  core::Result<std::vector<VirtualMfaDevice>> devices_of(std::string_view account,
                                                         std::string_view owner_id);
  core::Result<MfaCounts> count(std::string_view account);

 private:
  Transaction& tx_;
};

}  // namespace iamd::store
