#pragma once
// Model -> immutable matchers, once, at write or load time: actions lower-cased and indexed by
// service with wildcards precompiled, resources split per ARN segment, condition values typed
// (numbers, dates, CIDRs, ARNs, booleans, base64), variables pre-parsed. Evaluation then allocates
// little and never re-normalizes.

#include <memory>
#include <string>

#include "core/result.h"
#include "policy/model.h"

namespace iamd::policy {

class CompiledPolicy;  // defined in compiled.h (internal); opaque outside policy/

/// Identifies a policy in explanations and simulator output ("arn:aws:iam::aws:policy/X",
/// "user alice inline policy P", ...), plus what kind of policy it is.
struct PolicySource {
  std::string id;       // SourcePolicyId in the simulator
  std::string type;     // SourcePolicyType: "IAM Policy", "Resource Policy", "none" ...
};

/// What compile does with a condition operator it does not know (validation rejects those on
/// write, so only stored documents can have them).
enum class CompileMode {
  Strict,   // MalformedPolicyDocument "Syntax errors in policy."
  Lenient,  // the statement compiles but its condition can never be shown true: as an Allow it
            // never grants; as a Deny it denies whenever action/resource/principal match
};

/// Compiles a parsed (and, for writes, validated) policy. Fails only for values that cannot be
/// compiled at all; a malformed condition value that AWS would accept at write time but never
/// match is compiled to a never-matching clause instead.
core::Result<std::shared_ptr<const CompiledPolicy>> compile(const Policy& policy,
                                                            PolicySource source,
                                                            CompileMode mode = CompileMode::Strict);

/// The source a compiled policy was made from (for explanations).
const PolicySource& source_of(const CompiledPolicy& policy);
/// The model it was compiled from (for statement positions and explanations).
const Policy& model_of(const CompiledPolicy& policy);

}  // namespace iamd::policy
