#pragma once
// AWS managed policies as the IAM API shows them. They are read-only: CreatePolicyVersion,
// DeletePolicy and tagging refuse them. The table itself is policy/aws_managed_policies.h.

#include "policy/aws_managed_policies.h"
#include "store/policies.h"

namespace iamd::iam {

using policy::AwsManagedPolicy;
using policy::aws_managed_policies;
using policy::find_aws_managed_policy;

/// As a store entity (account "aws"), for the shared listing and output code.
store::ManagedPolicy to_entity(const AwsManagedPolicy& p);

}  // namespace iamd::iam
