#include "iam/aws_managed_policies.h"

#include "core/time_format.h"

namespace iamd::iam {

store::ManagedPolicy to_entity(const AwsManagedPolicy& p) {
  static const core::TimePoint kCreated = *core::parse_iso8601("2015-02-06T18:39:46Z");
  store::ManagedPolicy e;
  e.account = "aws";
  e.name = std::string(p.name);
  e.id = std::string(p.id);
  e.path = std::string(p.path);
  e.description = std::string(p.description);
  e.default_version_id = std::string(p.version_id);
  e.create_date = kCreated;
  e.update_date = kCreated;
  return e;
}

}  // namespace iamd::iam
