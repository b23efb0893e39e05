#pragma once
// Authenticating temporary credentials: the Query endpoint hands over the X-Amz-Security-Token and
// the ASIA key a request was signed with; the token is opened with the view's keyring (no database
// read) and the request's signature is then checked with the session's secret.

#include <string_view>

#include "api/context.h"
#include "authz/view.h"
#include "core/clock.h"
#include "core/result.h"

namespace iamd::sts {

/// The caller a session token authenticates (api::Caller::session set), or:
///  - InvalidClientTokenId (403) "The security token included in the request is invalid." for
///    anything that is not a token sealed by this keyring (garbled, tampered with, another
///    installation's, sealed by a key pruned long ago), and when `access_key_id` is not the key the
///    token was issued with;
///  - ExpiredToken (403) "The security token included in the request is expired" once it expired.
core::Result<api::Caller> authenticate_session(authz::View& view, std::string_view token,
                                               std::string_view access_key_id,
                                               core::TimePoint now);

}  // namespace iamd::sts
