// String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
// StringNotEqualsIgnoreCase, StringLike, StringNotLike. Values may hold policy variables; a value
// without variables is prepared once (folded, or compiled to a glob) and compared directly.

#include "policy/conditions/conditions.h"
#include "policy/glob.h"

namespace iamd::policy::conditions {
namespace {

// Invalid UTF-8 bytes decode to code points above Unicode's range, so they only equal themselves.
constexpr char32_t kInvalidBase = 0x110000;

char32_t decode(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t n = (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return kInvalidBase + b0;
  }
  char32_t cp = b0 & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalidBase + b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += n;
  return cp;
}

void encode(char32_t cp, std::string& out) {
  if (cp >= kInvalidBase) {
    out.push_back(static_cast<char>(cp - kInvalidBase));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Unicode simple case folding (CaseFolding.txt status C+S) for the scripts IAM names and tags
// realistically use. Full foldings (ß -> ss) are not applied: AWS compares per character.
char32_t fold(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0xB5) return 0x3BC;  // micro sign -> Greek mu
  if (c == 0x178) return 0xFF;  // Ÿ
  if (c == 0x17F) return 's';   // long s
  if (c >= 0x100 && c <= 0x17F) {
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149) return c;
    return (c & 1) ? c : c + 1;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c == 0x3C2) return 0x3C3;  // final sigma
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x460 && c <= 0x481) return (c & 1) ? c : c + 1;
  if (c >= 0x48A && c <= 0x4BF) return (c & 1) ? c : c + 1;
  if (c >= 0x531 && c <= 0x556) return c + 48;
  if (c == 0x212A) return 'k';   // Kelvin sign
  if (c == 0x212B) return 0xE5;  // Angstrom sign
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
  return c;
}

class StringMatcher final : public ValueMatcher {
 public:
  struct Value {
    Template tmpl;
    std::string text;  // static Equals: as is; static EqualsIgnoreCase: folded
    Glob glob;         // static Like
  };

  StringMatcher(StringMode mode, std::vector<Value> values)
      : mode_(mode), values_(std::move(values)) {}

  bool matches_any(std::string_view v, const Env& env) const override {
    for (const auto& value : values_) {
      if (value.tmpl.has_variables() ? match_dynamic(value.tmpl, v, env) : match_static(value, v)) {
        return true;
      }
    }
    return false;
  }

 private:
  bool match_static(const Value& value, std::string_view v) const {
    switch (mode_) {
      case StringMode::Equals:
        return v == value.text;
      case StringMode::EqualsIgnoreCase: {
        std::size_t pos = 0;
        return fold_match(value.text, v, pos) && pos == v.size();
      }
      case StringMode::Like:
        return value.glob.matches(v);
    }
    return false;
  }

  // Substituted pieces are compared in place: no string is built per request.
  bool match_dynamic(const Template& t, std::string_view v, const Env& env) const {
    if (mode_ == StringMode::Like) {
      GlobBuffer pattern;
      bool resolved = expand(t, env.context, env.missing, [&](std::string_view piece, bool wild) {
        pattern.append(piece, wild);
      });
      return resolved && glob_match_units(pattern.units(), v);
    }
    std::size_t pos = 0;
    bool same = true;
    bool resolved = expand(t, env.context, env.missing, [&](std::string_view piece, bool) {
      if (!same) return;
      if (mode_ == StringMode::EqualsIgnoreCase) {
        same = fold_match(piece, v, pos);
      } else if (v.size() - pos < piece.size() || v.compare(pos, piece.size(), piece) != 0) {
        same = false;
      } else {
        pos += piece.size();
      }
    });
    return resolved && same && pos == v.size();
  }

  StringMode mode_;
  std::vector<Value> values_;
};

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) encode(fold(decode(s, i)), out);
  return out;
}

bool fold_match(std::string_view piece, std::string_view text, std::size_t& pos) {
  std::size_t i = 0;
  while (i < piece.size()) {
    if (pos >= text.size()) return false;
    if (fold(decode(piece, i)) != fold(decode(text, pos))) return false;
  }
  return true;
}

std::unique_ptr<ValueMatcher> make_string_matcher(StringMode mode,
                                                  const std::vector<std::string>& values,
                                                  bool variables) {
  std::vector<StringMatcher::Value> compiled;
  compiled.reserve(values.size());
  for (const auto& raw : values) {
    StringMatcher::Value v;
    v.tmpl = Template::parse(raw, variables);
    if (!v.tmpl.has_variables()) {
      if (mode == StringMode::Like) {
        // Text keeps its wildcards; ${*} ${?} ${$} are literal characters.
        std::vector<GlobUnit> units;
        for (const auto& part : v.tmpl.parts()) {
          append_glob_units(units, part.text, part.kind == Template::Part::Kind::Text);
        }
        v.glob = Glob::from_units(std::move(units));
      } else {
        v.text = v.tmpl.static_text();
        if (mode == StringMode::EqualsIgnoreCase) v.text = fold_case(v.text);
      }
    }
    compiled.push_back(std::move(v));
  }
  return std::make_unique<StringMatcher>(mode, std::move(compiled));
}

}  // namespace iamd::policy::conditions
