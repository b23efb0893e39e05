#include "store/codec.h"
#include "store/entities.h"

#include <algorithm>

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
using codec::list_page;

using core::ErrorCode;

std::string account_prefix(std::string_view account) {
  std::string k = "acct/";
  k += account;
  k += '/';
  return k;
}

std::string key(std::string_view account, std::string_view kind, std::string_view rest) {
  std::string k = account_prefix(account);
  k += kind;
  k += '/';
  k += rest;
  return k;
}


std::string encode(const User& u) {
  json::object o{{"account", u.account}, {"name", u.name},     {"id", u.id},
                 {"path", u.path},       {"created", to_millis(u.create_date)},
                 {"tags", encode_tags(u.tags)},
                 {"boundary", u.permissions_boundary_arn}};
  if (u.password_last_used) o["password_last_used"] = to_millis(*u.password_last_used);
  return json::serialize(o);
}
User decode_user(const json::object& o) {
  User u;
  u.account = text(o, "account");
  u.name = text(o, "name");
  u.id = text(o, "id");
  u.path = text(o, "path");
  u.create_date = from_millis(integer(o, "created"));
  u.tags = decode_tags(o);
  u.permissions_boundary_arn = text(o, "boundary");
  if (o.contains("password_last_used")) {
    u.password_last_used = from_millis(integer(o, "password_last_used"));
  }
  return u;
}

std::string encode(const Group& g) {
  return json::serialize(json::object{{"account", g.account}, {"name", g.name}, {"id", g.id},
                                      {"path", g.path}, {"created", to_millis(g.create_date)}});
}
Group decode_group(const json::object& o) {
  return Group{text(o, "account"), text(o, "name"), text(o, "id"), text(o, "path"),
               from_millis(integer(o, "created"))};
}

std::string encode(const AccessKey& k) {
  json::object o{{"id", k.id},
                 {"account", k.account},
                 {"owner", k.owner_id},
                 {"status", k.status},
                 {"created", to_millis(k.create_date)},
                 {"secret", k.sealed_secret},
                 {"last_used_service", k.last_used_service},
                 {"last_used_region", k.last_used_region}};
  if (k.last_used) o["last_used"] = to_millis(*k.last_used);
  return json::serialize(o);
}
AccessKey decode_access_key(const json::object& o) {
  AccessKey k;
  k.id = text(o, "id");
  k.account = text(o, "account");
  k.owner_id = text(o, "owner");
  k.status = text(o, "status");
  k.create_date = from_millis(integer(o, "created"));
  k.sealed_secret = text(o, "secret");
  k.last_used_service = text(o, "last_used_service");
  k.last_used_region = text(o, "last_used_region");
  if (o.contains("last_used")) k.last_used = from_millis(integer(o, "last_used"));
  return k;
}

// Reads and decodes the object under `k` with `decode`.
template <class T, class Decode>
core::Result<std::optional<T>> read_entity(Transaction& tx, const std::string& k, Decode decode) {
  auto raw = tx.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<T>{};
  auto obj = parse_object(**raw);
  if (!obj) return corrupt(k);
  return std::optional<T>{decode(*obj)};
}

}  // namespace

// --- accounts -------------------------------------------------------------------------------

core::Result<std::optional<Account>> Entities::find_account(std::string_view account) {
  return read_entity<Account>(tx_, "acct/" + std::string(account), [](const json::object& o) {
    return Account{text(o, "id"), from_millis(integer(o, "created")), text(o, "alias")};
  });
}

core::Status Entities::put_account(const Account& a) {
  return tx_.put("acct/" + a.id,
                 json::serialize(json::object{{"id", a.id},
                                              {"created", to_millis(a.create_date)},
                                              {"alias", a.alias}}));
}

core::Result<std::vector<std::string>> Entities::list_account_ids() {
  // Account records are the only keys of the form "acct/<id>" with no further '/'.
  std::vector<std::string> ids;
  auto add = [&](const std::string& k, std::string&) -> core::Status {
    std::string_view rest = std::string_view(k).substr(5);
    if (rest.find('/') == std::string_view::npos) ids.emplace_back(rest);
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx_, "acct/", add));
  return ids;
}

// --- users ----------------------------------------------------------------------------------

core::Result<std::optional<User>> Entities::find_user(std::string_view account,
                                                      std::string_view name) {
  return read_entity<User>(tx_, key(account, "user", core::ascii_lower(name)), decode_user);
}

core::Result<std::optional<User>> Entities::find_user_by_id(std::string_view account,
                                                            std::string_view user_id) {
  auto name = tx_.get(key(account, "userid", user_id));
  IAMD_TRY(name);
  if (!name->has_value()) return std::optional<User>{};
  return find_user(account, **name);
}

core::Status Entities::put_user(const User& user, std::string_view previous_name) {
  std::string lower = core::ascii_lower(user.name);
  if (!previous_name.empty() && core::ascii_lower(previous_name) != lower) {
    IAMD_TRY(tx_.erase(key(user.account, "user", core::ascii_lower(previous_name))));
  }
  IAMD_TRY(tx_.put(key(user.account, "user", lower), encode(user)));
  return tx_.put(key(user.account, "userid", user.id), lower);
}

core::Status Entities::erase_user(const User& user) {
  IAMD_TRY(tx_.erase(key(user.account, "user", core::ascii_lower(user.name))));
  return tx_.erase(key(user.account, "userid", user.id));
}

core::Result<Listing<User>> Entities::list_users(std::string_view account,
                                                 std::string_view path_prefix,
                                                 std::string_view marker, size_t max_items) {
  return list_page<User>(tx_, key(account, "user", ""), path_prefix, marker, max_items,
                         decode_user);
}

core::Result<size_t> Entities::count_users(std::string_view account) {
  auto ids = codec::key_suffixes(tx_, key(account, "userid", ""));
  IAMD_TRY(ids);
  return ids->size();
}

// --- groups ---------------------------------------------------------------------------------

core::Result<std::optional<Group>> Entities::find_group(std::string_view account,
                                                        std::string_view name) {
  return read_entity<Group>(tx_, key(account, "group", core::ascii_lower(name)), decode_group);
}

core::Result<std::optional<Group>> Entities::find_group_by_id(std::string_view account,
                                                              std::string_view group_id) {
  auto name = tx_.get(key(account, "groupid", group_id));
  IAMD_TRY(name);
  if (!name->has_value()) return std::optional<Group>{};
  return find_group(account, **name);
}

core::Status Entities::put_group(const Group& group, std::string_view previous_name) {
  std::string lower = core::ascii_lower(group.name);
  if (!previous_name.empty() && core::ascii_lower(previous_name) != lower) {
    IAMD_TRY(tx_.erase(key(group.account, "group", core::ascii_lower(previous_name))));
  }
  IAMD_TRY(tx_.put(key(group.account, "group", lower), encode(group)));
  return tx_.put(key(group.account, "groupid", group.id), lower);
}

core::Status Entities::erase_group(const Group& group) {
  IAMD_TRY(tx_.erase(key(group.account, "group", core::ascii_lower(group.name))));
  return tx_.erase(key(group.account, "groupid", group.id));
}

core::Result<Listing<Group>> Entities::list_groups(std::string_view account,
                                                   std::string_view path_prefix,
                                                   std::string_view marker, size_t max_items) {
  return list_page<Group>(tx_, key(account, "group", ""), path_prefix, marker, max_items,
                          decode_group);
}

core::Result<size_t> Entities::count_groups(std::string_view account) {
  auto ids = codec::key_suffixes(tx_, key(account, "groupid", ""));
  IAMD_TRY(ids);
  return ids->size();
}

core::Status Entities::add_membership(std::string_view account, std::string_view user_id,
                                      std::string_view group_id) {
  IAMD_TRY(tx_.put(key(account, "ingroup", std::string(user_id) + "/" + std::string(group_id)), ""));
  return tx_.put(key(account, "members", std::string(group_id) + "/" + std::string(user_id)), "");
}

core::Status Entities::remove_membership(std::string_view account, std::string_view user_id,
                                         std::string_view group_id) {
  IAMD_TRY(tx_.erase(key(account, "ingroup", std::string(user_id) + "/" + std::string(group_id))));
  return tx_.erase(key(account, "members", std::string(group_id) + "/" + std::string(user_id)));
}

core::Result<std::vector<std::string>> Entities::group_ids_of_user(std::string_view account,
                                                                   std::string_view user_id) {
  return codec::key_suffixes(tx_, key(account, "ingroup", std::string(user_id) + "/"));
}

core::Result<std::vector<std::string>> Entities::user_ids_in_group(std::string_view account,
                                                                   std::string_view group_id) {
  return codec::key_suffixes(tx_, key(account, "members", std::string(group_id) + "/"));
}

// --- access keys ----------------------------------------------------------------------------

core::Result<std::optional<AccessKey>> Entities::find_access_key(std::string_view access_key_id) {
  return read_entity<AccessKey>(tx_, "accesskey/" + std::string(access_key_id), decode_access_key);
}

core::Status Entities::put_access_key(const AccessKey& k) {
  IAMD_TRY(tx_.put("accesskey/" + k.id, encode(k)));
  return tx_.put(key(k.account, "keys", k.owner_id + "/" + k.id), "");
}

core::Status Entities::erase_access_key(const AccessKey& k) {
  IAMD_TRY(tx_.erase("accesskey/" + k.id));
  return tx_.erase(key(k.account, "keys", k.owner_id + "/" + k.id));
}

core::Result<std::vector<AccessKey>> Entities::access_keys_of(std::string_view account,
                                                              std::string_view owner_id) {
  auto ids = codec::key_suffixes(tx_, key(account, "keys", std::string(owner_id) + "/"));
  IAMD_TRY(ids);
  std::vector<AccessKey> keys;
  for (const auto& id : *ids) {
    auto k = find_access_key(id);
    IAMD_TRY(k);
    if (k->has_value()) keys.push_back(std::move(**k));
  }
  std::sort(keys.begin(), keys.end(),
            [](const AccessKey& a, const AccessKey& b) { return a.create_date < b.create_date; });
  return keys;
}

core::Result<std::vector<AccessKey>> Entities::all_access_keys() {
  std::vector<AccessKey> keys;
  auto add = [&](const std::string& k, std::string& v) -> core::Status {
    auto obj = parse_object(v);
    if (!obj) return corrupt(k);
    keys.push_back(decode_access_key(*obj));
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx_, "accesskey/", add));
  return keys;
}

// --- login profiles and the password policy --------------------------------------------------

core::Result<std::optional<LoginProfile>> Entities::find_login_profile(std::string_view account,
                                                                       std::string_view user_id) {
  return read_entity<LoginProfile>(tx_, key(account, "login", user_id), [](const json::object& o) {
    LoginProfile p{text(o, "account"), text(o, "user_id"), from_millis(integer(o, "created")),
                   text(o, "hash"), boolean(o, "reset_required"), {}};
    if (auto* h = o.if_contains("history"); h && h->is_array()) {
      for (const auto& v : h->as_array()) {
        if (v.is_string()) p.previous_hashes.emplace_back(v.as_string());
      }
    }
    return p;
  });
}

core::Status Entities::put_login_profile(const LoginProfile& p) {
  return tx_.put(key(p.account, "login", p.user_id),
                 json::serialize(json::object{{"account", p.account},
                                              {"user_id", p.user_id},
                                              {"created", to_millis(p.create_date)},
                                              {"hash", p.password_hash},
                                              {"reset_required", p.password_reset_required},
                                              {"history", json::value_from(p.previous_hashes)}}));
}

core::Status Entities::erase_login_profile(std::string_view account, std::string_view user_id) {
  return tx_.erase(key(account, "login", user_id));
}

core::Result<std::optional<PasswordPolicy>> Entities::find_password_policy(
    std::string_view account) {
  return read_entity<PasswordPolicy>(
      tx_, account_prefix(account) + "passwordpolicy", [](const json::object& o) {
        PasswordPolicy p;
        p.minimum_password_length = static_cast<int>(integer(o, "min_length"));
        p.require_symbols = boolean(o, "symbols");
        p.require_numbers = boolean(o, "numbers");
        p.require_uppercase_characters = boolean(o, "upper");
        p.require_lowercase_characters = boolean(o, "lower");
        p.allow_users_to_change_password = boolean(o, "allow_change");
        p.max_password_age = static_cast<int>(integer(o, "max_age"));
        p.password_reuse_prevention = static_cast<int>(integer(o, "reuse_prevention"));
        p.hard_expiry = boolean(o, "hard_expiry");
        return p;
      });
}

core::Status Entities::put_password_policy(std::string_view account, const PasswordPolicy& p) {
  return tx_.put(account_prefix(account) + "passwordpolicy",
                 json::serialize(json::object{{"min_length", p.minimum_password_length},
                                              {"symbols", p.require_symbols},
                                              {"numbers", p.require_numbers},
                                              {"upper", p.require_uppercase_characters},
                                              {"lower", p.require_lowercase_characters},
                                              {"allow_change", p.allow_users_to_change_password},
                                              {"max_age", p.max_password_age},
                                              {"reuse_prevention", p.password_reuse_prevention},
                                              {"hard_expiry", p.hard_expiry}}));
}

core::Status Entities::erase_password_policy(std::string_view account) {
  return tx_.erase(account_prefix(account) + "passwordpolicy");
}

// --- account aliases ------------------------------------------------------------------------

core::Result<std::optional<std::string>> Entities::find_alias_owner(std::string_view alias) {
  return tx_.get("alias/" + std::string(alias));
}

core::Status Entities::put_alias(std::string_view account, std::string_view alias) {
  return tx_.put("alias/" + std::string(alias), account);
}

core::Status Entities::erase_alias(std::string_view alias) {
  return tx_.erase("alias/" + std::string(alias));
}

}  // namespace iamd::store
