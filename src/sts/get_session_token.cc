// GetSessionToken (spec/sts-federation.md §2.4): temporary credentials for the calling user or
// root, optionally MFA-authenticated. No permission is evaluated: it is an authentication call.
#include "iam/mfa.h"
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {

using core::ErrorCode;

core::Result<api::Output> Service::get_session_token(const api::Context& ctx, api::Input& in) {
  auto duration = in.optional_int("DurationSeconds", api::IntRule{900, 129600});
  auto serial = in.optional_string("SerialNumber", rules::kSerialNumber);
  auto token_code = in.optional_string("TokenCode", rules::kTokenCode);
  IAMD_TRY(in.finish());

  const api::Caller& caller = ctx.caller;
  if (caller.session) {
    return core::Error{ErrorCode::AccessDenied, "Cannot call GetSessionToken with session credentials"};
  }
  const bool root = caller.type == api::PrincipalType::Root;
  if (!root && caller.type != api::PrincipalType::User) {
    return not_authorized(caller, "sts:GetSessionToken", {});
  }
  // Users: 900..129600 s, 12 hours by default; root: at most (and by default) one hour, a longer
  // request silently shortened.
  std::int64_t seconds = duration.value_or(root ? 3600 : 43200);
  if (root) seconds = std::min<std::int64_t>(seconds, 3600);

  bool mfa = false;
  if (serial || token_code) {
    if (!serial || !token_code) {
      return core::Error{ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage)};
    }
    auto check = iam::check_mfa_code(d_.store, d_.sealer, caller.account,
                                     root ? std::string_view("root") : caller.user_id, *serial,
                                     *token_code, ctx.now);
    IAMD_TRY(check);
    if (!check->matched()) {
      return core::Error{ErrorCode::AccessDenied, std::string(iam::kMfaFailedMessage)};
    }
    mfa = true;
  }

  auth::Session s;
  s.kind = auth::Session::Kind::SessionToken;
  s.account = caller.account;
  s.arn = caller.arn;
  s.user_id = caller.user_id;
  s.source_arn = caller.arn;
  s.source_user_id = caller.user_id;
  s.issued_at = ctx.now;
  s.expires_at = ctx.now + std::chrono::seconds(seconds);
  s.mfa_present = mfa;
  if (mfa) s.mfa_authenticated_at = ctx.now;
  auto token = mint(s, *d_.view.keyring(), d_.random);
  IAMD_TRY(token);

  api::Output out;
  write_credentials(out.result, s, *token);
  return out;
}

}  // namespace iamd::sts
