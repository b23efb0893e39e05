#pragma once
// The request path's side of the audit trail: the userIdentity of an authenticated caller, and
// the last-used dates fed from each written event (RoleLastUsed, GetAccessKeyLastUsed).

#include "api/context.h"
#include "audit/event.h"
#include "authz/view.h"
#include "sts/service.h"

namespace iamd::app {

/// userIdentity for `caller` (spec/sts-federation.md §10.2): Root, IAMUser, AssumedRole or
/// FederatedUser, with a sessionContext for temporary credentials.
audit::Identity audit_identity(api::Caller&& caller);

/// The broker's observer: notes the long-term key a call was signed with, and the role whose
/// session made it or that it assumed, for the batched last-used writes.
void record_last_used(const audit::Event& event, authz::View& view, sts::Service& sts);

}  // namespace iamd::app
