#include "store/codec.h"
#include "store/policies.h"

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

std::string acct(std::string_view account) { return "acct/" + std::string(account) + "/"; }

// ARNs contain '/', which would make key prefixes ambiguous (policy/x vs policy/x/y): escape them.
std::string arn_key(std::string_view arn) { return core::uri_encode(arn); }

std::string kind_key(EntityKind kind, std::string_view id) {
  return std::string(kind_name(kind)) + "/" + std::string(id);
}

std::optional<EntityKind> kind_from(std::string_view s) {
  if (s == "user") return EntityKind::User;
  if (s == "group") return EntityKind::Group;
  if (s == "role") return EntityKind::Role;
  return std::nullopt;
}

std::string encode(const ManagedPolicy& p) {
  return json::serialize(json::object{{"account", p.account},
                                      {"name", p.name},
                                      {"id", p.id},
                                      {"path", p.path},
                                      {"description", p.description},
                                      {"default_version", p.default_version_id},
                                      {"next_version", p.next_version},
                                      {"attachable", p.is_attachable},
                                      {"created", to_millis(p.create_date)},
                                      {"updated", to_millis(p.update_date)},
                                      {"tags", encode_tags(p.tags)}});
}

ManagedPolicy decode_policy(const json::object& o) {
  ManagedPolicy p;
  p.account = text(o, "account");
  p.name = text(o, "name");
  p.id = text(o, "id");
  p.path = text(o, "path");
  p.description = text(o, "description");
  p.default_version_id = text(o, "default_version");
  p.next_version = static_cast<int>(integer(o, "next_version"));
  if (auto* v = o.if_contains("attachable"); v && v->is_bool()) p.is_attachable = v->as_bool();
  p.create_date = from_millis(integer(o, "created"));
  p.update_date = from_millis(integer(o, "updated"));
  p.tags = decode_tags(o);
  return p;
}

// Every key under `prefix` with its value.
core::Result<std::vector<KeyValue>> scan_all(Transaction& tx, const std::string& prefix) {
  std::vector<KeyValue> out;
  auto add = [&](const std::string& k, std::string& v) -> core::Status {
    out.emplace_back(k, std::move(v));
    return {};
  };
  IAMD_TRY(codec::for_each_under(tx, prefix, add));
  return out;
}

core::Result<std::vector<PolicyUse>> uses_under(Transaction& tx, const std::string& prefix) {
  auto all = scan_all(tx, prefix);
  IAMD_TRY(all);
  std::vector<PolicyUse> uses;
  for (const auto& [k, v] : *all) {
    std::string_view rest = std::string_view(k).substr(prefix.size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    if (auto kind = kind_from(rest.substr(0, slash))) {
      uses.push_back(PolicyUse{*kind, std::string(rest.substr(slash + 1))});
    }
  }
  return uses;
}

}  // namespace

std::string ManagedPolicy::arn() const {
  std::string out = "arn:aws:iam::" + account + ":policy/";
  if (path.size() > 1) out += path.substr(1);
  return out + name;
}

std::string_view kind_name(EntityKind kind) {
  switch (kind) {
    case EntityKind::User: return "user";
    case EntityKind::Group: return "group";
    case EntityKind::Role: return "role";
  }
  return "user";
}

core::Result<std::optional<ManagedPolicy>> PolicyEntities::find_policy(std::string_view account,
                                                                       std::string_view name) {
  std::string k = acct(account) + "policy/" + core::ascii_lower(name);
  auto raw = tx_.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<ManagedPolicy>{};
  auto o = parse_object(**raw);
  if (!o) return corrupt(k);
  return std::optional<ManagedPolicy>{decode_policy(*o)};
}

core::Status PolicyEntities::put_policy(const ManagedPolicy& p) {
  return tx_.put(acct(p.account) + "policy/" + core::ascii_lower(p.name), encode(p));
}

core::Status PolicyEntities::erase_policy(const ManagedPolicy& p) {
  auto versions = list_versions(p.account, p.name);
  IAMD_TRY(versions);
  for (const auto& v : *versions) IAMD_TRY(erase_version(p.account, p.name, v.version_id));
  return tx_.erase(acct(p.account) + "policy/" + core::ascii_lower(p.name));
}

core::Result<std::vector<ManagedPolicy>> PolicyEntities::list_policies(std::string_view account) {
  auto all = scan_all(tx_, acct(account) + "policy/");
  IAMD_TRY(all);
  std::vector<ManagedPolicy> out;
  for (const auto& [k, v] : *all) {
    auto o = parse_object(v);
    if (!o) return corrupt(k);
    out.push_back(decode_policy(*o));
  }
  return out;
}

core::Result<std::optional<PolicyVersion>> PolicyEntities::find_version(
    std::string_view account, std::string_view policy_name, std::string_view version_id) {
  std::string k = acct(account) + "policyver/" + core::ascii_lower(policy_name) + "/" +
                  std::string(version_id);
  auto raw = tx_.get(k);
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<PolicyVersion>{};
  auto o = parse_object(**raw);
  if (!o) return corrupt(k);
  return std::optional<PolicyVersion>{PolicyVersion{std::string(version_id), text(*o, "document"),
                                                    from_millis(integer(*o, "created"))}};
}

core::Status PolicyEntities::put_version(std::string_view account, std::string_view policy_name,
                                         const PolicyVersion& v) {
  return tx_.put(acct(account) + "policyver/" + core::ascii_lower(policy_name) + "/" + v.version_id,
                 json::serialize(json::object{{"document", v.document},
                                              {"created", to_millis(v.create_date)}}));
}

core::Status PolicyEntities::erase_version(std::string_view account, std::string_view policy_name,
                                           std::string_view version_id) {
  return tx_.erase(acct(account) + "policyver/" + core::ascii_lower(policy_name) + "/" +
                   std::string(version_id));
}

core::Result<std::vector<PolicyVersion>> PolicyEntities::list_versions(
    std::string_view account, std::string_view policy_name) {
  std::string prefix = acct(account) + "policyver/" + core::ascii_lower(policy_name) + "/";
  auto all = scan_all(tx_, prefix);
  IAMD_TRY(all);
  std::vector<PolicyVersion> out;
  for (const auto& [k, v] : *all) {
    auto o = parse_object(v);
    if (!o) return corrupt(k);
    out.push_back(PolicyVersion{k.substr(prefix.size()), text(*o, "document"),
                                from_millis(integer(*o, "created"))});
  }
  std::sort(out.begin(), out.end(), [](const PolicyVersion& a, const PolicyVersion& b) {
    return a.create_date < b.create_date ||
           (a.create_date == b.create_date && a.version_id.size() < b.version_id.size()) ||
           (a.create_date == b.create_date && a.version_id.size() == b.version_id.size() &&
            a.version_id < b.version_id);
  });
  return out;
}

core::Status PolicyEntities::attach(std::string_view account, EntityKind kind,
                                    std::string_view entity_id, std::string_view policy_arn) {
  IAMD_TRY(tx_.put(acct(account) + "attached/" + kind_key(kind, entity_id) + "/" +
                       arn_key(policy_arn),
                   policy_arn));
  return tx_.put(acct(account) + "attachedto/" + arn_key(policy_arn) + "/" +
                     kind_key(kind, entity_id),
                 "");
}

core::Status PolicyEntities::detach(std::string_view account, EntityKind kind,
                                    std::string_view entity_id, std::string_view policy_arn) {
  IAMD_TRY(tx_.erase(acct(account) + "attached/" + kind_key(kind, entity_id) + "/" +
                     arn_key(policy_arn)));
  return tx_.erase(acct(account) + "attachedto/" + arn_key(policy_arn) + "/" +
                   kind_key(kind, entity_id));
}

core::Result<std::vector<std::string>> PolicyEntities::attached_to(std::string_view account,
                                                                   EntityKind kind,
                                                                   std::string_view entity_id) {
  auto all = scan_all(tx_, acct(account) + "attached/" + kind_key(kind, entity_id) + "/");
  IAMD_TRY(all);
  std::vector<std::string> arns;
  for (auto& [k, v] : *all) arns.push_back(std::move(v));
  return arns;
}

core::Result<std::vector<PolicyUse>> PolicyEntities::attachments_of(std::string_view account,
                                                                    std::string_view policy_arn) {
  return uses_under(tx_, acct(account) + "attachedto/" + arn_key(policy_arn) + "/");
}

core::Status PolicyEntities::set_boundary_use(std::string_view account, EntityKind kind,
                                              std::string_view entity_id,
                                              std::string_view policy_arn, bool in_use) {
  std::string k = acct(account) + "boundaryof/" + arn_key(policy_arn) + "/" +
                  kind_key(kind, entity_id);
  return in_use ? tx_.put(k, "") : tx_.erase(k);
}

core::Result<std::vector<PolicyUse>> PolicyEntities::boundary_uses_of(std::string_view account,
                                                                      std::string_view policy_arn) {
  return uses_under(tx_, acct(account) + "boundaryof/" + arn_key(policy_arn) + "/");
}

core::Result<std::optional<InlinePolicy>> PolicyEntities::find_inline(std::string_view account,
                                                                      EntityKind kind,
                                                                      std::string_view entity_id,
                                                                      std::string_view name) {
  auto raw = tx_.get(acct(account) + "inline/" + kind_key(kind, entity_id) + "/" +
                     std::string(name));
  IAMD_TRY(raw);
  if (!raw->has_value()) return std::optional<InlinePolicy>{};
  return std::optional<InlinePolicy>{InlinePolicy{std::string(name), std::move(**raw)}};
}

core::Status PolicyEntities::put_inline(std::string_view account, EntityKind kind,
                                        std::string_view entity_id, const InlinePolicy& p) {
  return tx_.put(acct(account) + "inline/" + kind_key(kind, entity_id) + "/" + p.name, p.document);
}

core::Status PolicyEntities::erase_inline(std::string_view account, EntityKind kind,
                                          std::string_view entity_id, std::string_view name) {
  return tx_.erase(acct(account) + "inline/" + kind_key(kind, entity_id) + "/" + std::string(name));
}

core::Result<std::vector<InlinePolicy>> PolicyEntities::inline_policies(std::string_view account,
                                                                        EntityKind kind,
                                                                        std::string_view entity_id) {
  std::string prefix = acct(account) + "inline/" + kind_key(kind, entity_id) + "/";
  auto all = scan_all(tx_, prefix);
  IAMD_TRY(all);
  std::vector<InlinePolicy> out;
  for (auto& [k, v] : *all) out.push_back(InlinePolicy{k.substr(prefix.size()), std::move(v)});
  return out;
}

}  // namespace iamd::store
