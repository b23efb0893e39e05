#pragma once
// The adapter from JSON text to policy::Policy. Strict for what we accept (writes), lenient for
// what we stored (reads): a stored policy must always load, even if rules later tightened.

#include <string_view>

#include "core/result.h"
#include "policy/model.h"

namespace iamd::policy::json {

enum class ParseMode { Strict, Lenient };

/// Parses a policy document. Strict: malformed JSON, duplicate keys, unknown elements, wrong types
/// and the other syntax checks of spec §3.8 give MalformedPolicyDocument with AWS's message
/// ("Syntax errors in policy." ...). Lenient: unknown elements are ignored and duplicate keys keep
/// the last value. Statement positions (line/column) are recorded either way.
core::Result<Policy> parse(std::string_view text, ParseMode mode);

}  // namespace iamd::policy::json
