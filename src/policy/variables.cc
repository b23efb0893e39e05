#include "policy/variables.h"

#include <algorithm>

#include "core/strings.h"

namespace iamd::policy {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses the inside of `${...}` into `part`; false when it is not a variable (kept literal).
bool parse_variable(std::string_view inner, Template::Part& part) {
  if (inner == "*" || inner == "?" || inner == "$") {
    part.kind = Template::Part::Kind::Literal;
    part.text = std::string(inner);
    return true;
  }
  std::string_view key = inner;
  std::optional<std::string> fallback;
  if (auto comma = inner.find(','); comma != std::string_view::npos) {
    key = inner.substr(0, comma);
    std::string_view def = trim(inner.substr(comma + 1));
    // The documented form is `${key, 'default'}`; an unquoted default is taken as written.
    if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
      def = def.substr(1, def.size() - 2);
    }
    fallback = std::string(def);
  }
  key = trim(key);
  if (key.empty()) return false;
  part.kind = Template::Part::Kind::Variable;
  part.text = std::string(key);
  part.key_lower = core::ascii_lower(key);
  part.fallback = std::move(fallback);
  return true;
}

bool ci_less(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lx = (x >= 'A' && x <= 'Z') ? x - 'A' + 'a' : x;
    auto ly = (y >= 'A' && y <= 'Z') ? y - 'A' + 'a' : y;
    return lx < ly;
  });
}

}  // namespace

void MissingKeys::add(const std::string* key) {
  if (n_ < inline_.size()) {
    inline_[n_++] = key;
  } else {
    overflow_.push_back(key);
  }
}

std::vector<std::string> MissingKeys::sorted_unique() const {
  std::vector<std::string> out;
  out.reserve(n_ + overflow_.size());
  for (std::size_t i = 0; i < n_; ++i) out.push_back(*inline_[i]);
  for (const auto* k : overflow_) out.push_back(*k);
  std::stable_sort(out.begin(), out.end(), ci_less);
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const std::string& a, const std::string& b) { return core::iequals(a, b); }),
      out.end());
  return out;
}

Template Template::parse(std::string_view text, bool variables_enabled) {
  Template t;
  auto add_text = [&t](std::string_view s) {
    if (s.empty()) return;
    if (!t.parts_.empty() && t.parts_.back().kind == Part::Kind::Text) {
      t.parts_.back().text += s;
    } else {
      Part p;
      p.text = std::string(s);
      t.parts_.push_back(std::move(p));
    }
  };
  if (!variables_enabled) {
    add_text(text);
    return t;
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;  // an unterminated `${` is literal text
    Part part;
    if (parse_variable(text.substr(open + 2, close - open - 2), part)) {
      add_text(text.substr(pos, open - pos));
      t.has_variables_ |= part.kind == Part::Kind::Variable;
      t.parts_.push_back(std::move(part));
    } else {
      add_text(text.substr(pos, close + 1 - pos));
    }
    pos = close + 1;
  }
  add_text(text.substr(std::min(pos, text.size())));
  return t;
}

std::string Template::static_text() const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.kind != Part::Kind::Variable) out += p.text;
  }
  return out;
}

std::optional<std::string_view> resolve_variable(const Template::Part& variable,
                                                 const RequestContext& context) {
  // Only single-valued keys can be variables; an empty value is null (spec §3.6).
  const ContextValue* v = context.find_lower(variable.key_lower);
  if (v != nullptr && !v->multi_valued && v->values.size() == 1 && !v->values[0].empty()) {
    return std::string_view(v->values[0]);
  }
  if (variable.fallback) return std::string_view(*variable.fallback);
  return std::nullopt;
}

}  // namespace iamd::policy
