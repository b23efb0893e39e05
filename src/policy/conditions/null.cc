// Null: tests presence rather than value. "true" holds when the key is absent or null (an empty
// string, or an empty list for user-supplied multivalued keys); "false" when it has a value.

#include "core/strings.h"
#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {

NullTest compile_null(const std::vector<std::string>& values) {
  NullTest t;
  for (const auto& v : values) {
    if (core::iequals(v, "true")) t.when_null = true;
    if (core::iequals(v, "false")) t.when_present = true;
    // Any other value matches neither state.
  }
  return t;
}

bool is_null(const ContextValue* value) {
  if (value == nullptr || value->values.empty()) return true;
  return !value->multi_valued && value->values.size() == 1 && value->values[0].empty();
}

}  // namespace iamd::policy::conditions
