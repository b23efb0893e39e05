#include "sts/service.h"

namespace iamd::sts {

void Service::register_operations(api::Registry& registry) {
  registry.add(api::Operation{"sts", "GetCallerIdentity",
                              [this](const api::Context& c, api::Input& in) {
                                return get_caller_identity(c, in);
                              }});
}

core::Result<api::Output> Service::get_caller_identity(const api::Context& ctx, api::Input& in) {
  IAMD_TRY(in.finish());
  // AWS: "No permissions are required to perform this operation", and even an explicit deny of
  // sts:GetCallerIdentity does not stop it; so no authorization here, by design.
  api::Output out;
  out.result.add_string("UserId", ctx.caller.user_id);
  out.result.add_string("Account", ctx.caller.account);
  out.result.add_string("Arn", ctx.caller.arn);
  return out;
}

}  // namespace iamd::sts
