#include "organizations/rules.h"

namespace iamd::organizations::rules {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool lower_alnum(char c) { return digit(c) || (c >= 'a' && c <= 'z'); }
bool word(char c) {
  return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// `s` is `prefix` followed by [0-9a-z]{min,max}.
bool prefixed_lower_alnum(std::string_view s, std::string_view prefix, size_t min, size_t max) {
  if (!s.starts_with(prefix)) return false;
  std::string_view rest = s.substr(prefix.size());
  if (rest.size() < min || rest.size() > max) return false;
  for (char c : rest) {
    if (!lower_alnum(c)) return false;
  }
  return true;
}

}  // namespace

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!digit(c)) return false;
  }
  return true;
}

bool is_root_id(std::string_view s) { return prefixed_lower_alnum(s, "r-", 4, 32); }

bool is_unit_id(std::string_view s) {
  if (!s.starts_with("ou-")) return false;
  std::string_view rest = s.substr(3);
  size_t dash = rest.find('-');
  if (dash == std::string_view::npos) return false;
  std::string_view a = rest.substr(0, dash);
  std::string_view b = rest.substr(dash + 1);
  return prefixed_lower_alnum(a, "", 4, 32) && prefixed_lower_alnum(b, "", 8, 32);
}

bool is_parent_id(std::string_view s) { return is_root_id(s) || is_unit_id(s); }
bool is_child_id(std::string_view s) { return is_account_id(s) || is_unit_id(s); }
bool is_target_id(std::string_view s) { return is_root_id(s) || is_account_id(s) || is_unit_id(s); }

bool is_policy_id(std::string_view s) {
  if (!s.starts_with("p-")) return false;
  std::string_view rest = s.substr(2);
  if (rest.size() < 8 || rest.size() > 128) return false;
  for (char c : rest) {
    if (!word(c)) return false;
  }
  return true;
}

bool is_create_account_request_id(std::string_view s) {
  return prefixed_lower_alnum(s, "car-", 8, 32);
}

bool is_email(std::string_view s) {
  // Whole-value match of [^\s@]+@[^\s@]+\.[^\s@]+: one '@', no whitespace, and a '.' in the
  // domain with something on both sides of it.
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    if (space(c)) return false;
  }
  std::string_view domain = s.substr(at + 1);
  size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

bool is_account_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

bool is_role_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!word(c) && c != '+' && c != '=' && c != ',' && c != '.' && c != '@' && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_tag_text(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) continue;  // \p{L}, \p{Z}, \p{N} beyond ASCII: accepted (see rules.h)
    if (word(c) && c != '_') continue;
    if (c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' ||
        c == '-' || c == '@') {
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace iamd::organizations::rules
