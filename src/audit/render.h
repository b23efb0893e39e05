#pragma once
// Event -> the CloudTrail records delivered for it (spec/sts-federation.md §10.1): one for the
// caller's account, and for a cross-account call a second for the other account, sharing a
// sharedEventID. Secrets never reach a record: members named in the secret list (passwords, MFA
// codes and seeds, secret keys, session tokens, SAML assertions, web identity tokens, private
// keys) are left out of requestParameters and responseElements, and SigV4's own query members
// (X-Amz-*) are not parameters at all.

#include <string_view>
#include <vector>

#include "audit/event.h"
#include "audit/record.h"
#include "core/random.h"

namespace iamd::audit {

/// The records for `event`, each with a fresh eventID drawn from `random`.
std::vector<Record> render(const Event& event, core::Random& random);

/// Whether a member with this wire name holds a secret (case-insensitive).
bool is_secret_member(std::string_view name);

/// "Jul 18, 2014, 4:07:39 PM": how CloudTrail shows timestamps inside responseElements.
std::string format_response_time(core::TimePoint t);

}  // namespace iamd::audit
