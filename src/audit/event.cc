#include "audit/event.h"

namespace iamd::audit {

bool is_read_only(std::string_view name) {
  if (name == "GetSessionToken" || name == "GetFederationToken") return false;
  for (std::string_view prefix : {"Get", "List", "Describe", "Lookup", "Simulate"}) {
    if (name.starts_with(prefix)) return true;
  }
  return name == "DecodeAuthorizationMessage";
}

std::string_view recipient_account(const Event& event) {
  if (!event.identity.account_id.empty()) return event.identity.account_id;
  if (!event.resources.empty()) return event.resources.front().account;
  return {};
}

}  // namespace iamd::audit
