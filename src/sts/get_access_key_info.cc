// GetAccessKeyInfo (spec/sts-federation.md §2.7): the account an access key belongs to. Long-term
// keys are looked up in the view; temporary (ASIA) keys carry their account in the id itself, as
// AWS's do, since their sessions are stored nowhere.
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {

core::Result<api::Output> Service::get_access_key_info(const api::Context& ctx, api::Input& in) {
  const std::string key_id = in.required_string("AccessKeyId", rules::kAccessKeyId);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_session_may_call(ctx.caller, "sts:GetAccessKeyInfo"));
  authz::Decision d = d_.view.authorize(ctx, authz::Request{"sts:GetAccessKeyInfo", ""});
  if (!d.allowed) return core::Error{core::ErrorCode::AccessDenied, std::move(d.message)};
  std::optional<std::string> account;
  if (auto cred = d_.view.find_credential(key_id)) {
    account = cred->caller.account;
  } else {
    account = account_of_session_key(key_id);
  }
  if (!account) {
    return core::Error{core::ErrorCode::InvalidParameterValue,
                       "The access key ID " + key_id + " is not valid."};
  }
  api::Output out;
  out.result.add_string("Account", *account);
  return out;
}

}  // namespace iamd::sts
