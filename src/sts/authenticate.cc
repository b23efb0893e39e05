#include "sts/authenticate.h"

#include "sts/common.h"

namespace iamd::sts {

core::Result<api::Caller> authenticate_session(authz::View& view, std::string_view token,
                                               std::string_view access_key_id,
                                               core::TimePoint now) {
  auto session = auth::open_session(token, *view.keyring());
  IAMD_TRY(session);
  if ((*session)->access_key_id != access_key_id) {
    return core::Error{core::ErrorCode::InvalidClientTokenId,
                       "The security token included in the request is invalid."};
  }
  if (now >= (*session)->expires_at) {
    return core::Error{core::ErrorCode::ExpiredToken,
                       "The security token included in the request is expired"};
  }
  return caller_for_session(std::move(*session));
}

}  // namespace iamd::sts
