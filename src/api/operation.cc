#include "api/operation.h"

namespace iamd::api {
namespace {

constexpr ServiceInfo kServices[] = {
    {"iam", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", Protocol::Query, {}, {}},
    {"sts", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", Protocol::Query, {}, {}},
    {"organizations", "2016-11-28", {}, Protocol::Json, "AWSOrganizationsV20161128", "1.1"},
    {"cloudtrail", "2013-11-01", {}, Protocol::Json,
     "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "1.1"},
};

}  // namespace

void Registry::add(Operation op) {
  auto key = std::make_pair(op.service, op.action);
  ops_.insert_or_assign(std::move(key), std::move(op));
}

const Operation* Registry::find(std::string_view service, std::string_view action) const {
  auto it = ops_.find(std::make_pair(std::string(service), std::string(action)));
  return it == ops_.end() ? nullptr : &it->second;
}

const Operation* Registry::find_by_version(std::string_view version,
                                           std::string_view action) const {
  for (const auto& s : kServices) {
    // Unsigned calls by Action + Version exist only in the Query protocol.
    if (s.protocol == Protocol::Query && s.version == version) return find(s.service, action);
  }
  return nullptr;
}

const ServiceInfo* find_service(std::string_view service) {
  for (const auto& s : kServices) {
    if (s.service == service) return &s;
  }
  return nullptr;
}

const ServiceInfo* find_service_by_target_prefix(std::string_view prefix) {
  for (const auto& s : kServices) {
    if (s.protocol == Protocol::Json && s.json_target_prefix == prefix) return &s;
  }
  return nullptr;
}

}  // namespace iamd::api
