// ArnEquals / ArnLike (identical) and ArnNotEquals / ArnNotLike: both ARNs are split into their six
// colon-delimited components and each component is a case-sensitive glob, so unlike StringLike a
// `*` never spans a colon between components (spec §3.4). Values may hold policy variables; a
// substituted value may itself contain colons (`${aws:PrincipalArn}`), so splitting happens after
// substitution.

#include "policy/conditions/conditions.h"
#include "policy/glob.h"

namespace iamd::policy::conditions {
namespace {

constexpr std::size_t kArnParts = 6;

// Splits at the first five colons (the resource part keeps any further ones).
bool split_arn(std::string_view s, std::array<std::string_view, kArnParts>& parts) {
  for (std::size_t i = 0; i + 1 < kArnParts; ++i) {
    std::size_t colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    parts[i] = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  parts[kArnParts - 1] = s;
  return true;
}

// The same over pattern units; only literal colons separate.
bool split_units(std::span<const GlobUnit> u,
                 std::array<std::span<const GlobUnit>, kArnParts>& parts) {
  std::size_t start = 0, part = 0;
  for (std::size_t i = 0; i < u.size() && part + 1 < kArnParts; ++i) {
    if (u[i] == ':') {
      parts[part++] = u.subspan(start, i - start);
      start = i + 1;
    }
  }
  if (part + 1 != kArnParts) return false;
  parts[part] = u.subspan(start);
  return true;
}

class ArnMatcher final : public ValueMatcher {
 public:
  struct Value {
    Template tmpl;
    bool any = false;    // "*": every ARN
    bool valid = false;  // static and six parts
    std::array<Glob, kArnParts> parts;
  };

  explicit ArnMatcher(std::vector<Value> values) : values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env& env) const override {
    std::array<std::string_view, kArnParts> request;
    if (!split_arn(v, request)) return false;  // not an ARN: matches nothing
    for (const auto& value : values_) {
      if (value.tmpl.has_variables() ? match_dynamic(value.tmpl, request, env)
                                     : match_static(value, request)) {
        return true;
      }
    }
    return false;
  }

 private:
  static bool match_static(const Value& value,
                           const std::array<std::string_view, kArnParts>& request) {
    if (value.any) return true;
    if (!value.valid) return false;
    for (std::size_t i = 0; i < kArnParts; ++i) {
      if (!value.parts[i].matches(request[i])) return false;
    }
    return true;
  }

  static bool match_dynamic(const Template& t,
                            const std::array<std::string_view, kArnParts>& request,
                            const Env& env) {
    GlobBuffer pattern;
    if (!expand(t, env.context, env.missing,
                [&](std::string_view piece, bool wild) { pattern.append(piece, wild); })) {
      return false;
    }
    std::array<std::span<const GlobUnit>, kArnParts> parts;
    if (!split_units(pattern.units(), parts)) {
      auto u = pattern.units();
      return u.size() == 1 && u[0] == kGlobStar;
    }
    for (std::size_t i = 0; i < kArnParts; ++i) {
      if (!glob_match_units(parts[i], request[i])) return false;
    }
    return true;
  }

  std::vector<Value> values_;
};

}  // namespace

std::unique_ptr<ValueMatcher> make_arn_matcher(const std::vector<std::string>& values,
                                               bool variables) {
  std::vector<ArnMatcher::Value> compiled;
  for (const auto& raw : values) {
    ArnMatcher::Value v;
    v.tmpl = Template::parse(raw, variables);
    if (!v.tmpl.has_variables()) {
      std::vector<GlobUnit> units;
      for (const auto& part : v.tmpl.parts()) {
        append_glob_units(units, part.text, part.kind == Template::Part::Kind::Text);
      }
      std::array<std::span<const GlobUnit>, kArnParts> parts;
      if (units.size() == 1 && units[0] == kGlobStar) {
        v.any = true;
      } else if (split_units(units, parts)) {
        v.valid = true;
        for (std::size_t i = 0; i < kArnParts; ++i) {
          v.parts[i] = Glob::from_units(std::vector<GlobUnit>(parts[i].begin(), parts[i].end()));
        }
      }
    }
    compiled.push_back(std::move(v));
  }
  return std::make_unique<ArnMatcher>(std::move(compiled));
}

}  // namespace iamd::policy::conditions
