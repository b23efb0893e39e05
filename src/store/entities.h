#pragma once
// What the store holds for IAM, and where: entity types, their JSON encoding, and typed access over
// a store::Transaction. Backends never see this; handlers and the authz view never see keys.
//
// Key layout (persisted; never change silently — add a migration instead):
//   acct/<account>                                 Account
//   acct/<account>/user/<lower name>               User          (names unique case-insensitively)
//   acct/<account>/userid/<user id>                lower name    (id -> name index)
//   acct/<account>/group/<lower name>              Group
//   acct/<account>/groupid/<group id>              lower name
//   acct/<account>/ingroup/<user id>/<group id>    ""            (a user's groups)
//   acct/<account>/members/<group id>/<user id>    ""            (a group's users)
//   acct/<account>/keys/<user id or "root">/<akid> ""            (a principal's access keys)
//   acct/<account>/login/<user id>                 LoginProfile
//   acct/<account>/passwordpolicy                  PasswordPolicy
//   accesskey/<akid>                               AccessKey     (global: SigV4 looks keys up by id)
//   alias/<alias>                                  account id    (aliases are globally unique)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace iamd::store {

struct Tag {
  std::string key;
  std::string value;
};

struct Account {
  std::string id;
  core::TimePoint create_date;
  std::string alias;  // empty: none
};

struct User {
  std::string account;
  std::string name;
  std::string id;
  std::string path = "/";
  core::TimePoint create_date;
  std::vector<Tag> tags;
  std::string permissions_boundary_arn;  // empty: none
  std::optional<core::TimePoint> password_last_used;
};

struct Group {
  std::string account;
  std::string name;
  std::string id;
  std::string path = "/";
  core::TimePoint create_date;
};

inline constexpr std::string_view kRootOwner = "root";

struct AccessKey {
  std::string id;
  std::string account;
  std::string owner_id;  // the user's id, or kRootOwner for the account's root user
  std::string status = "Active";
  core::TimePoint create_date;
  std::string sealed_secret;  // the secret access key, sealed by the master key
  std::optional<core::TimePoint> last_used;
  std::string last_used_service;
  std::string last_used_region;
};

struct LoginProfile {
  std::string account;
  std::string user_id;
  core::TimePoint create_date;
  std::string password_hash;  // Argon2id, encoded form
  bool password_reset_required = false;
  std::vector<std::string> previous_hashes;  // newest first; for PasswordReusePrevention
};

struct PasswordPolicy {
  int minimum_password_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase_characters = false;
  bool require_lowercase_characters = false;
  bool allow_users_to_change_password = false;
  int max_password_age = 0;           // 0: passwords never expire
  int password_reuse_prevention = 0;  // 0: not set
  bool hard_expiry = false;
};

/// One page of a listing. `marker` is set only when truncated.
template <class T>
struct Listing {
  std::vector<T> items;
  bool is_truncated = false;
  std::string marker;
};

/// Typed reads and writes of IAM entities inside one transaction.
class Entities {
 public:
  explicit Entities(Transaction& tx) : tx_(tx) {}

  core::Result<std::optional<Account>> find_account(std::string_view account);
  core::Status put_account(const Account& account);
  core::Result<std::vector<std::string>> list_account_ids();

  core::Result<std::optional<User>> find_user(std::string_view account, std::string_view name);
  core::Result<std::optional<User>> find_user_by_id(std::string_view account,
                                                    std::string_view user_id);
  /// Inserts or replaces; `previous_name` (when renaming) is the name to remove.
  core::Status put_user(const User& user, std::string_view previous_name = {});
  core::Status erase_user(const User& user);
  core::Result<Listing<User>> list_users(std::string_view account, std::string_view path_prefix,
                                         std::string_view marker, size_t max_items);
  core::Result<size_t> count_users(std::string_view account);

  core::Result<std::optional<Group>> find_group(std::string_view account, std::string_view name);
  core::Result<std::optional<Group>> find_group_by_id(std::string_view account,
                                                      std::string_view group_id);
  core::Status put_group(const Group& group, std::string_view previous_name = {});
  core::Status erase_group(const Group& group);
  core::Result<Listing<Group>> list_groups(std::string_view account, std::string_view path_prefix,
                                           std::string_view marker, size_t max_items);
  core::Result<size_t> count_groups(std::string_view account);

  core::Status add_membership(std::string_view account, std::string_view user_id,
                              std::string_view group_id);
  core::Status remove_membership(std::string_view account, std::string_view user_id,
                                 std::string_view group_id);
  core::Result<std::vector<std::string>> group_ids_of_user(std::string_view account,
                                                           std::string_view user_id);
  core::Result<std::vector<std::string>> user_ids_in_group(std::string_view account,
                                                           std::string_view group_id);

  core::Result<std::optional<AccessKey>> find_access_key(std::string_view access_key_id);
  core::Status put_access_key(const AccessKey& key);
  core::Status erase_access_key(const AccessKey& key);
  /// The keys of a user (or of root with owner_id kRootOwner), oldest first.
  core::Result<std::vector<AccessKey>> access_keys_of(std::string_view account,
                                                      std::string_view owner_id);
  /// Every access key in the store; for building the authentication view.
  core::Result<std::vector<AccessKey>> all_access_keys();

  core::Result<std::optional<LoginProfile>> find_login_profile(std::string_view account,
                                                               std::string_view user_id);
  core::Status put_login_profile(const LoginProfile& profile);
  core::Status erase_login_profile(std::string_view account, std::string_view user_id);

  core::Result<std::optional<PasswordPolicy>> find_password_policy(std::string_view account);
  core::Status put_password_policy(std::string_view account, const PasswordPolicy& policy);
  core::Status erase_password_policy(std::string_view account);

  /// The account owning `alias`, if any.
  core::Result<std::optional<std::string>> find_alias_owner(std::string_view alias);
  core::Status put_alias(std::string_view account, std::string_view alias);
  core::Status erase_alias(std::string_view alias);

 private:
  Transaction& tx_;
};

}  // namespace iamd::store
