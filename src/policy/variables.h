#pragma once
// Policy variables (spec §3.6): `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the
// special literals `${*}` `${?}` `${$}`. Only documents with Version 2012-10-17 have variables;
// under any other version the text is literal. Strings are parsed into parts once, at compile
// time; at evaluation a variable is looked up in the request context by its lower-cased key.
//
// A substituted value is always literal text: a `*` or `?` in a tag value or a SAML subject never
// acts as a wildcard (otherwise a caller who controls a value could widen a grant).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"

namespace iamd::policy {

/// Condition keys an evaluation looked up but did not find (or could not use as a variable), as
/// written in the policy. Inline storage: no allocation unless an evaluation misses many keys.
class MissingKeys {
 public:
  MissingKeys() = default;
  MissingKeys(const MissingKeys&) = delete;
  MissingKeys& operator=(const MissingKeys&) = delete;

  /// `key` must outlive this collector (it points into a compiled policy).
  void add(const std::string* key);
  bool empty() const { return n_ == 0 && overflow_.empty(); }
  /// Sorted case-insensitively, unique case-insensitively (first spelling kept).
  std::vector<std::string> sorted_unique() const;

 private:
  std::array<const std::string*, 16> inline_{};
  std::size_t n_ = 0;
  std::vector<const std::string*> overflow_;
};

/// A string with its variables pre-parsed.
class Template {
 public:
  struct Part {
    enum class Kind : std::uint8_t {
      Text,      // as written; `*` and `?` are wildcards where the context has wildcards
      Literal,   // `${*}`, `${?}` or `${$}`: one character that is never a wildcard
      Variable,  // `${key}` or `${key, 'default'}`
    };
    Kind kind = Kind::Text;
    std::string text;       // Text/Literal: the characters; Variable: the key as written
    std::string key_lower;  // Variable: the lower-cased key the context is searched for
    std::optional<std::string> fallback;  // Variable: the default value, if given
  };

  /// Parses `text`; with `variables_enabled` false the whole text is one Text part.
  static Template parse(std::string_view text, bool variables_enabled);

  const std::vector<Part>& parts() const { return parts_; }
  /// True when some part must be looked up per request.
  bool has_variables() const { return has_variables_; }
  /// The text with special literals applied (for templates without variables).
  std::string static_text() const;

 private:
  std::vector<Part> parts_;
  bool has_variables_ = false;
};

/// The value a variable stands for in `context`: the key's single value, else the default.
/// nullopt when the key is absent, null (empty), or multivalued and there is no default.
std::optional<std::string_view> resolve_variable(const Template::Part& variable,
                                                 const RequestContext& context);

/// Calls `sink(text, wildcards)` for each piece of `t` in order: Text parts with wildcards=true,
/// literals and substituted values with wildcards=false. Returns false (after reporting the key
/// to `missing`, when given) at the first variable that cannot be resolved.
template <class Sink>
bool expand(const Template& t, const RequestContext& context, MissingKeys* missing, Sink&& sink) {
  for (const auto& part : t.parts()) {
    if (part.kind == Template::Part::Kind::Variable) {
      auto value = resolve_variable(part, context);
      if (!value) {
        if (missing != nullptr) missing->add(&part.text);
        return false;
      }
      sink(*value, false);
    } else {
      sink(std::string_view(part.text), part.kind == Template::Part::Kind::Text);
    }
  }
  return true;
}

}  // namespace iamd::policy
