#include "cloudtrail/service.h"

namespace iamd::cloudtrail {

void Service::register_operations(api::Registry& registry) {
  registry.add(api::Operation{"cloudtrail", "LookupEvents",
                              [this](const api::Context& c, api::Input& in) {
                                return lookup_events(c, in);
                              }});
}

}  // namespace iamd::cloudtrail
