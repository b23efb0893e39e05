#include "iam/rules.h"

namespace iamd::iam::rules {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Decodes one UTF-8 code point at s[i]; returns its length (0 when malformed).
size_t next_code_point(std::string_view s, size_t i, char32_t& cp) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return len;
}

// \p{L}\p{Z}\p{N} plus _.:/=+-@. Outside ASCII we accept every code point that is not a control,
// format or private-use character: letters, marks, numbers and separators make up the rest of
// what people put in tags, and a full Unicode table is not worth its weight here.
bool is_tag_char(char32_t cp) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' ||
           c == '-' || c == '@';
  }
  if (cp < 0xA0) return false;                    // C1 controls
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
  if (cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E)) {
    return cp == 0x2028 || cp == 0x2029;  // line/paragraph separators are \p{Z}
  }
  return true;
}

bool all_tag_chars(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = next_code_point(s, i, cp);
    if (len == 0 || !is_tag_char(cp)) return false;
    i += len;
  }
  return true;
}

}  // namespace

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_word_char(c) && c != '+' && c != '=' && c != ',' && c != '.' && c != '@' && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_path(std::string_view s) {
  if (s == "/") return true;
  if (s.size() < 3 || s.front() != '/' || s.back() != '/') return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

bool is_path_prefix(std::string_view s) {
  if (s.empty() || s.front() != '/') return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7F) return false;
  }
  return true;
}

bool is_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_word_char(c)) return false;
  }
  return true;
}

bool is_tag_key(std::string_view s) { return !s.empty() && all_tag_chars(s); }
bool is_tag_value(std::string_view s) { return all_tag_chars(s); }

bool is_password_chars(std::string_view s) {
  // U+0009, U+000A, U+000D, U+0020..U+00FF, as UTF-8 bytes.
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = next_code_point(s, i, cp);
    if (len == 0) return false;
    if (!(cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0xFF))) return false;
    i += len;
  }
  return !s.empty();
}

bool is_account_alias(std::string_view s) {
  if (s.size() < 3 || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (alnum(s[i])) continue;
    if (s[i] != '-' || s[i + 1] == '-') return false;
  }
  return true;
}

}  // namespace iamd::iam::rules
