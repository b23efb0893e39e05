#include "store/codec.h"
#include "store/organizations.h"

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

std::vector<std::string> strings(const json::object& o, std::string_view field) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(field); v && v->is_array()) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.emplace_back(s.as_string());
    }
  }
  return out;
}


// --- keys ------------------------------------------------------------------------------------

std::string org_key(std::string_view org_id) { return "org/" + std::string(org_id); }
std::string key(std::string_view org_id, std::string_view kind, std::string_view rest = {}) {
  std::string k = org_key(org_id);
  k += '/';
  k += kind;
  k += '/';
  k += rest;
  return k;
}
std::string orgof_key(std::string_view account) { return "orgof/" + std::string(account); }

// --- encodings -------------------------------------------------------------------------------

std::string encode(const Organization& o) {
  return json::serialize(json::object{{"id", o.id},
                                      {"master", o.master_account_id},
                                      {"master_email", o.master_account_email},
                                      {"feature_set", o.feature_set},
                                      {"created", to_millis(o.create_date)}});
}
Organization decode_organization(const json::object& o) {
  Organization org;
  org.id = text(o, "id");
  org.master_account_id = text(o, "master");
  org.master_account_email = text(o, "master_email");
  org.feature_set = text(o, "feature_set");
  org.create_date = from_millis(integer(o, "created"));
  return org;
}

std::string encode(const OrgRoot& r) {
  json::array types;
  for (const auto& t : r.policy_types) types.emplace_back(t);
  return json::serialize(json::object{{"id", r.id}, {"name", r.name}, {"policy_types", types}});
}
OrgRoot decode_root(const json::object& o) {
  return OrgRoot{text(o, "id"), text(o, "name"), strings(o, "policy_types")};
}

std::string encode(const OrgUnit& u) {
  return json::serialize(json::object{{"id", u.id},
                                      {"name", u.name},
                                      {"parent", u.parent_id},
                                      {"created", to_millis(u.create_date)},
                                      {"tags", encode_tags(u.tags)}});
}
OrgUnit decode_unit(const json::object& o) {
  return OrgUnit{text(o, "id"), text(o, "name"), text(o, "parent"),
                 from_millis(integer(o, "created")), decode_tags(o)};
}

std::string encode(const OrgAccount& a) {
  return json::serialize(json::object{{"id", a.id},
                                      {"name", a.name},
                                      {"email", a.email},
                                      {"parent", a.parent_id},
                                      {"joined_method", a.joined_method},
                                      {"joined", to_millis(a.joined_timestamp)},
                                      {"status", a.status},
                                      {"tags", encode_tags(a.tags)}});
}
OrgAccount decode_account(const json::object& o) {
  OrgAccount a;
  a.id = text(o, "id");
  a.name = text(o, "name");
  a.email = text(o, "email");
  a.parent_id = text(o, "parent");
  a.joined_method = text(o, "joined_method");
  a.joined_timestamp = from_millis(integer(o, "joined"));
  a.status = text(o, "status");
  a.tags = decode_tags(o);
  return a;
}

std::string encode(const CreateAccountStatus& s) {
  json::object o{{"id", s.id},
                 {"account_name", s.account_name},
                 {"state", s.state},
                 {"requested", to_millis(s.requested)},
                 {"account_id", s.account_id},
                 {"failure_reason", s.failure_reason}};
  if (s.completed) o["completed"] = to_millis(*s.completed);
  return json::serialize(o);
}
CreateAccountStatus decode_create_account_status(const json::object& o) {
  CreateAccountStatus s;
  s.id = text(o, "id");
  s.account_name = text(o, "account_name");
  s.state = text(o, "state");
  s.requested = from_millis(integer(o, "requested"));
  if (o.contains("completed")) s.completed = from_millis(integer(o, "completed"));
  s.account_id = text(o, "account_id");
  s.failure_reason = text(o, "failure_reason");
  return s;
}

std::string encode(const OrgPolicy& p) {
  return json::serialize(json::object{{"id", p.id},
                                      {"name", p.name},
                                      {"description", p.description},
                                      {"type", p.type},
                                      {"content", p.content},
                                      {"aws_managed", p.aws_managed},
                                      {"tags", encode_tags(p.tags)}});
}
OrgPolicy decode_policy(const json::object& o) {
  OrgPolicy p;
  p.id = text(o, "id");
  p.name = text(o, "name");
  p.description = text(o, "description");
  p.type = text(o, "type");
  p.content = text(o, "content");
  p.aws_managed = boolean(o, "aws_managed");
  p.tags = decode_tags(o);
  return p;
}

template <class T, class Decode>
core::Result<std::optional<T>> read_entity(Transaction& tx, const std::string& k, Decode decode) {
  auto raw = tx.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<T>{};
  auto obj = parse_object(**raw);
  if (!obj) return corrupt(k);
  return std::optional<T>{decode(*obj)};
}

// Every entity directly under `prefix` (keys with no further '/'), in key order.
template <class T, class Decode>
core::Result<std::vector<T>> read_all(Transaction& tx, const std::string& prefix, Decode decode) {
  std::vector<T> out;
  auto add = [&](const std::string& k, std::string& v) -> core::Status {
    if (k.find('/', prefix.size()) != std::string::npos) return {};
    auto obj = parse_object(v);
    if (!obj) return corrupt(k);
    out.push_back(decode(*obj));
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx, prefix, add));
  return out;
}

}  // namespace

// --- Organization ----------------------------------------------------------------------------

std::string Organization::arn() const {
  return "arn:aws:organizations::" + master_account_id + ":organization/" + id;
}
std::string Organization::account_arn(std::string_view account_id) const {
  return "arn:aws:organizations::" + master_account_id + ":account/" + id + "/" +
         std::string(account_id);
}
std::string Organization::root_arn(std::string_view root_id) const {
  return "arn:aws:organizations::" + master_account_id + ":root/" + id + "/" +
         std::string(root_id);
}
std::string Organization::unit_arn(std::string_view ou_id) const {
  return "arn:aws:organizations::" + master_account_id + ":ou/" + id + "/" + std::string(ou_id);
}
std::string Organization::policy_arn(std::string_view type, std::string_view policy_id,
                                     bool aws_managed) const {
  std::string type_segment = core::ascii_lower(type);
  if (aws_managed) {
    return "arn:aws:organizations::aws:policy/" + type_segment + "/" + std::string(policy_id);
  }
  return "arn:aws:organizations::" + master_account_id + ":policy/" + id + "/" + type_segment +
         "/" + std::string(policy_id);
}

bool OrgRoot::has_policy_type(std::string_view type) const {
  return std::find(policy_types.begin(), policy_types.end(), type) != policy_types.end();
}

const OrgPolicy& full_aws_access_policy() {
  static const OrgPolicy policy{
      std::string(kFullAwsAccessPolicyId),
      "FullAWSAccess",
      "Allows access to every operation",
      std::string(kServiceControlPolicy),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
      true,
      {}};
  return policy;
}

// --- organizations ---------------------------------------------------------------------------

core::Result<std::optional<Organization>> OrganizationEntities::find_organization(
    std::string_view org_id) {
  return read_entity<Organization>(tx_, org_key(org_id), decode_organization);
}

core::Result<std::optional<Organization>> OrganizationEntities::find_organization_of(
    std::string_view account) {
  auto org_id = tx_.get(orgof_key(account));
  IAMD_TRY(org_id);
  if (!org_id->has_value()) return std::optional<Organization>{};
  return find_organization(**org_id);
}

core::Status OrganizationEntities::put_organization(const Organization& org) {
  IAMD_TRY(tx_.put(org_key(org.id), encode(org)));
  return tx_.put(orgof_key(org.master_account_id), org.id);
}

core::Result<std::vector<Organization>> OrganizationEntities::list_organizations() {
  return read_all<Organization>(tx_, "org/", decode_organization);
}

// --- roots -----------------------------------------------------------------------------------

core::Result<std::optional<OrgRoot>> OrganizationEntities::find_root(std::string_view org_id,
                                                                    std::string_view root_id) {
  return read_entity<OrgRoot>(tx_, key(org_id, "root", root_id), decode_root);
}

core::Status OrganizationEntities::put_root(std::string_view org_id, const OrgRoot& root) {
  return tx_.put(key(org_id, "root", root.id), encode(root));
}

core::Result<std::vector<OrgRoot>> OrganizationEntities::list_roots(std::string_view org_id) {
  return read_all<OrgRoot>(tx_, key(org_id, "root"), decode_root);
}

// --- organizational units --------------------------------------------------------------------

core::Result<std::optional<OrgUnit>> OrganizationEntities::find_unit(std::string_view org_id,
                                                                    std::string_view ou_id) {
  return read_entity<OrgUnit>(tx_, key(org_id, "ou", ou_id), decode_unit);
}

core::Status OrganizationEntities::put_unit(std::string_view org_id, const OrgUnit& unit) {
  return tx_.put(key(org_id, "ou", unit.id), encode(unit));
}

core::Status OrganizationEntities::erase_unit(std::string_view org_id, std::string_view ou_id) {
  return tx_.erase(key(org_id, "ou", ou_id));
}

core::Result<std::vector<OrgUnit>> OrganizationEntities::list_units(std::string_view org_id) {
  return read_all<OrgUnit>(tx_, key(org_id, "ou"), decode_unit);
}

// --- accounts --------------------------------------------------------------------------------

core::Result<std::optional<OrgAccount>> OrganizationEntities::find_account(
    std::string_view org_id, std::string_view account_id) {
  return read_entity<OrgAccount>(tx_, key(org_id, "account", account_id), decode_account);
}

core::Status OrganizationEntities::put_account(std::string_view org_id,
                                               const OrgAccount& account) {
  IAMD_TRY(tx_.put(key(org_id, "account", account.id), encode(account)));
  return tx_.put(orgof_key(account.id), org_id);
}

core::Result<std::vector<OrgAccount>> OrganizationEntities::list_accounts(
    std::string_view org_id) {
  return read_all<OrgAccount>(tx_, key(org_id, "account"), decode_account);
}

// --- create-account requests -----------------------------------------------------------------

core::Result<std::optional<CreateAccountStatus>> OrganizationEntities::find_create_account_status(
    std::string_view org_id, std::string_view request_id) {
  return read_entity<CreateAccountStatus>(tx_, key(org_id, "car", request_id),
                                          decode_create_account_status);
}

core::Status OrganizationEntities::put_create_account_status(std::string_view org_id,
                                                             const CreateAccountStatus& status) {
  return tx_.put(key(org_id, "car", status.id), encode(status));
}

core::Result<std::vector<CreateAccountStatus>>
OrganizationEntities::list_create_account_statuses(std::string_view org_id) {
  return read_all<CreateAccountStatus>(tx_, key(org_id, "car"), decode_create_account_status);
}

// --- policies --------------------------------------------------------------------------------

core::Result<std::optional<OrgPolicy>> OrganizationEntities::find_policy(
    std::string_view org_id, std::string_view policy_id) {
  if (policy_id == kFullAwsAccessPolicyId) return std::optional<OrgPolicy>{full_aws_access_policy()};
  return read_entity<OrgPolicy>(tx_, key(org_id, "policy", policy_id), decode_policy);
}

core::Status OrganizationEntities::put_policy(std::string_view org_id, const OrgPolicy& policy) {
  return tx_.put(key(org_id, "policy", policy.id), encode(policy));
}

core::Status OrganizationEntities::erase_policy(std::string_view org_id,
                                                std::string_view policy_id) {
  return tx_.erase(key(org_id, "policy", policy_id));
}

core::Result<std::vector<OrgPolicy>> OrganizationEntities::list_policies(std::string_view org_id,
                                                                        std::string_view type) {
  std::vector<OrgPolicy> out;
  if (type == kServiceControlPolicy) out.push_back(full_aws_access_policy());
  auto stored = read_all<OrgPolicy>(tx_, key(org_id, "policy"), decode_policy);
  IAMD_TRY(stored);
  for (auto& p : *stored) {
    if (p.type == type) out.push_back(std::move(p));
  }
  return out;
}

// --- attachments -----------------------------------------------------------------------------

core::Status OrganizationEntities::attach_policy(std::string_view org_id,
                                                 std::string_view target_id,
                                                 std::string_view policy_id) {
  IAMD_TRY(tx_.put(key(org_id, "attached", std::string(target_id) + "/" + std::string(policy_id)),
                   ""));
  return tx_.put(key(org_id, "targets", std::string(policy_id) + "/" + std::string(target_id)),
                 "");
}

core::Status OrganizationEntities::detach_policy(std::string_view org_id,
                                                 std::string_view target_id,
                                                 std::string_view policy_id) {
  IAMD_TRY(
      tx_.erase(key(org_id, "attached", std::string(target_id) + "/" + std::string(policy_id))));
  return tx_.erase(key(org_id, "targets", std::string(policy_id) + "/" + std::string(target_id)));
}

core::Result<std::vector<std::string>> OrganizationEntities::policies_of(
    std::string_view org_id, std::string_view target_id) {
  return codec::key_suffixes(tx_, key(org_id, "attached", std::string(target_id) + "/"));
}

core::Result<std::vector<std::string>> OrganizationEntities::targets_of(
    std::string_view org_id, std::string_view policy_id) {
  return codec::key_suffixes(tx_, key(org_id, "targets", std::string(policy_id) + "/"));
}

}  // namespace iamd::store
