#include "store/codec.h"
#include "store/roles.h"

#include <limits>

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

std::string role_key(std::string_view account, std::string_view lower_name) {
  return "acct/" + std::string(account) + "/role/" + std::string(lower_name);
}
std::string role_id_key(std::string_view account, std::string_view role_id) {
  return "acct/" + std::string(account) + "/roleid/" + std::string(role_id);
}

std::string encode(const Role& r) {
  json::object o{{"account", r.account},
                 {"name", r.name},
                 {"id", r.id},
                 {"path", r.path},
                 {"created", to_millis(r.create_date)},
                 {"trust", r.assume_role_policy_document},
                 {"description", r.description},
                 {"max_session", r.max_session_duration},
                 {"boundary", r.permissions_boundary_arn},
                 {"tags", encode_tags(r.tags)},
                 {"last_used_region", r.last_used_region}};
  if (r.last_used) o["last_used"] = to_millis(*r.last_used);
  return json::serialize(o);
}

Role decode_role(const json::object& o) {
  Role r;
  r.account = text(o, "account");
  r.name = text(o, "name");
  r.id = text(o, "id");
  r.path = text(o, "path");
  r.create_date = from_millis(integer(o, "created"));
  r.assume_role_policy_document = text(o, "trust");
  r.description = text(o, "description");
  r.max_session_duration = static_cast<int>(integer(o, "max_session"));
  if (r.max_session_duration == 0) r.max_session_duration = 3600;
  r.permissions_boundary_arn = text(o, "boundary");
  r.tags = decode_tags(o);
  if (o.contains("last_used")) r.last_used = from_millis(integer(o, "last_used"));
  r.last_used_region = text(o, "last_used_region");
  return r;
}

}  // namespace

std::string Role::arn() const {
  std::string out = "arn:aws:iam::" + account + ":role/";
  if (path.size() > 1) out += path.substr(1);
  return out + name;
}

core::Result<std::optional<Role>> RoleEntities::find_role(std::string_view account,
                                                          std::string_view name) {
  std::string k = role_key(account, core::ascii_lower(name));
  auto raw = tx_.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<Role>{};
  auto o = parse_object(**raw);
  if (!o) return corrupt(k);
  return std::optional<Role>{decode_role(*o)};
}

core::Result<std::optional<Role>> RoleEntities::find_role_by_id(std::string_view account,
                                                                std::string_view role_id) {
  auto name = tx_.get(role_id_key(account, role_id));
  IAMD_TRY(name);
  if (!name->has_value()) return std::optional<Role>{};
  return find_role(account, **name);
}

core::Status RoleEntities::put_role(const Role& role) {
  std::string lower = core::ascii_lower(role.name);
  IAMD_TRY(tx_.put(role_key(role.account, lower), encode(role)));
  return tx_.put(role_id_key(role.account, role.id), lower);
}

core::Status RoleEntities::erase_role(const Role& role) {
  IAMD_TRY(tx_.erase(role_key(role.account, core::ascii_lower(role.name))));
  return tx_.erase(role_id_key(role.account, role.id));
}

core::Result<Listing<Role>> RoleEntities::list_roles(std::string_view account,
                                                     std::string_view path_prefix,
                                                     std::string_view marker, size_t max_items) {
  return list_page<Role>(tx_, role_key(account, ""), path_prefix, marker, max_items,
                         decode_role);
}

core::Result<std::vector<Role>> RoleEntities::all_roles(std::string_view account) {
  auto l = list_roles(account, "/", "", std::numeric_limits<size_t>::max());
  IAMD_TRY(l);
  return std::move(l->items);
}

core::Result<size_t> RoleEntities::count_roles(std::string_view account) {
  size_t count = 0;
  auto add = [&](const std::string&, std::string&) -> core::Status {
    ++count;
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx_, role_id_key(account, ""), add));
  return count;
}

core::Status RoleEntities::record_use(std::string_view account, std::string_view role_id,
                                      core::TimePoint when, std::string_view region) {
  auto role = find_role_by_id(account, role_id);
  IAMD_TRY(role);
  if (!role->has_value()) return {};
  (*role)->last_used = when;
  (*role)->last_used_region = std::string(region);
  return put_role(**role);
}

}  // namespace iamd::store
