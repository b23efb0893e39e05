#pragma once
// The STS service. For now: GetCallerIdentity; AssumeRole and the other credential-issuing calls
// arrive with roles.

#include "api/operation.h"
#include "authz/view.h"

namespace iamd::sts {

class Service {
 public:
  explicit Service(authz::View& view) : view_(view) {}

  /// Adds every STS operation to `registry`. The Service must outlive the registry's use.
  void register_operations(api::Registry& registry);

 private:
  core::Result<api::Output> get_caller_identity(const api::Context& ctx, api::Input& in);

  authz::View& view_;
};

}  // namespace iamd::sts
