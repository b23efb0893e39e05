// Bool. Policy values are "true"/"false" (JSON booleans arrive as their text); comparison ignores
// case on both sides. The AWS pages disagree on whether Bool takes policy variables (spec §7 15):
// we allow them, as the condition-operators page says, so `${aws:...}` resolves to a boolean.

#include "core/strings.h"
#include "policy/conditions/conditions.h"

namespace iamd::policy::conditions {
namespace {

std::optional<bool> parse_bool(std::string_view s) {
  if (core::iequals(s, "true")) return true;
  if (core::iequals(s, "false")) return false;
  return std::nullopt;
}

class BoolMatcher final : public ValueMatcher {
 public:
  struct Value {
    Template tmpl;              // used when it has variables
    std::optional<bool> value;  // static; nullopt: malformed, never matches
  };

  explicit BoolMatcher(std::vector<Value> values) : values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env& env) const override {
    auto request = parse_bool(v);
    if (!request) return false;
    for (const auto& value : values_) {
      if (!value.tmpl.has_variables()) {
        if (value.value == request) return true;
        continue;
      }
      // A variable's value is one piece; a template mixing text and variables is read whole.
      bool same = true;
      std::string_view want = *request ? "true" : "false";
      std::size_t pos = 0;
      bool resolved = expand(
          value.tmpl, env.context, env.missing,
          [&](std::string_view piece, bool) { same = same && fold_match(piece, want, pos); });
      if (resolved && same && pos == want.size()) return true;
    }
    return false;
  }

 private:
  std::vector<Value> values_;
};

}  // namespace

std::unique_ptr<ValueMatcher> make_bool_matcher(const std::vector<std::string>& values,
                                                bool variables) {
  std::vector<BoolMatcher::Value> compiled;
  for (const auto& raw : values) {
    BoolMatcher::Value v;
    v.tmpl = Template::parse(raw, variables);
    if (!v.tmpl.has_variables()) v.value = parse_bool(v.tmpl.static_text());
    compiled.push_back(std::move(v));
  }
  return std::make_unique<BoolMatcher>(std::move(compiled));
}

}  // namespace iamd::policy::conditions
