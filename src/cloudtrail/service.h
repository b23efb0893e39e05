#pragma once
// The AWS CloudTrail service (JSON 1.1, target prefix
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101, SigV4 name "cloudtrail"): LookupEvents
// over the audit index (spec/sts-federation.md §10.3), so that `aws cloudtrail lookup-events`
// reads iamd's trail.
//
// Who may call: anyone whose policies allow cloudtrail:LookupEvents (resource "*"); a caller sees
// the records delivered to its own account only.
//
// Differences from AWS (for the README compatibility table):
//   - One region: the trail holds every call iamd answered, whatever region the request named.
//   - iamd records no Insights events: EventCategory "insight" returns no events.
//   - Events stay as long as the audit retention setting says, not 90 days; without StartTime the
//     lookup still covers the 90 days before EndTime, as on AWS.
//   - No request-rate limit (AWS allows 2 LookupEvents per second per account and region).
//   - A NextToken stays valid until the records it points past are pruned (AWS: a few hours).

#include <functional>
#include <utility>

#include "api/operation.h"
#include "audit/index.h"
#include "authz/view.h"

namespace iamd::cloudtrail {

struct Deps {
  audit::Index& index;
  authz::View& view;
  /// Called before each lookup so that a caller sees its own earlier calls: returns once the
  /// audit broker has written everything published before (audit::Broker::wait_for_writes).
  /// Empty: lookups do not wait.
  std::function<void()> wait_for_writes = {};
};

class Service {
 public:
  explicit Service(Deps deps) : d_(std::move(deps)) {}

  /// Adds the CloudTrail operations to `registry` under service "cloudtrail". The Service must
  /// outlive the registry's use.
  void register_operations(api::Registry& registry);

 private:
  using Out = core::Result<api::Output>;

  // lookup_events.cc
  Out lookup_events(const api::Context& ctx, api::Input& in);

  Deps d_;
};

}  // namespace iamd::cloudtrail
