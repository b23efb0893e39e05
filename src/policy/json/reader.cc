#include "policy/json/reader.h"

namespace iamd::policy::json::detail {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::optional<Node> document(Bom bom) {
    if (bom == Bom::Skip && text_.starts_with("\xEF\xBB\xBF")) {
      pos_ = 3;  // the BOM is not a character of the document: columns start after it
    }
    skip_whitespace();
    Node root;
    if (!value(root, 0)) return std::nullopt;
    skip_whitespace();
    if (pos_ != text_.size()) return fail("content after the document");
    return root;
  }

  ReadError error() const { return {error_at_, error_}; }

 private:
  std::nullopt_t fail(std::string_view what) {
    if (error_.empty()) {
      error_ = what;
      error_at_ = here();
    }
    return std::nullopt;
  }
  bool failed(std::string_view what) {
    fail(what);
    return false;
  }

  Position here() const { return {line_, column_}; }
  bool at_end() const { return pos_ >= text_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(text_[pos_]); }

  // Consumes one byte, keeping line and column: a column is a character, so UTF-8 continuation
  // bytes do not advance it. Only LF starts a line (CR LF ends up as one break).
  void bump() {
    unsigned char c = peek();
    ++pos_;
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;
    }
  }

  void skip_whitespace() {
    while (!at_end()) {
      unsigned char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      bump();
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return failed("invalid literal");
    for (std::size_t i = 0; i < word.size(); ++i) bump();
    return true;
  }

  bool value(Node& out, int depth) {
    if (at_end()) return failed("unexpected end of input");
    out.start = here();
    switch (peek()) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"':
        out.kind = Node::Kind::String;
        return string(out.text, out.end);
      case 't':
        out.kind = Node::Kind::Bool;
        out.text = "true";
        out.end = {line_, column_ + 3};
        return literal("true");
      case 'f':
        out.kind = Node::Kind::Bool;
        out.text = "false";
        out.end = {line_, column_ + 4};
        return literal("false");
      case 'n':
        out.kind = Node::Kind::Null;
        out.end = {line_, column_ + 3};
        return literal("null");
      default:
        out.kind = Node::Kind::Number;
        return number(out);
    }
  }

  bool object(Node& out, int depth) {
    if (depth > kMaxDepth) return failed("nesting too deep");
    out.kind = Node::Kind::Object;
    bump();  // {
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      out.end = here();
      bump();
      return true;
    }
    while (true) {
      skip_whitespace();
      if (at_end() || peek() != '"') return failed("expected a member name");
      Member& m = out.members.emplace_back();
      m.key_start = here();
      Position key_end;
      if (!string(m.key, key_end)) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return failed("expected ':'");
      bump();
      skip_whitespace();
      if (!value(m.value, depth)) return false;
      skip_whitespace();
      if (at_end()) return failed("unterminated object");
      if (peek() == ',') {
        bump();
        continue;
      }
      if (peek() != '}') return failed("expected ',' or '}'");
      out.end = here();
      bump();
      return true;
    }
  }

  bool array(Node& out, int depth) {
    if (depth > kMaxDepth) return failed("nesting too deep");
    out.kind = Node::Kind::Array;
    bump();  // [
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      out.end = here();
      bump();
      return true;
    }
    while (true) {
      skip_whitespace();
      if (!value(out.items.emplace_back(), depth)) return false;
      skip_whitespace();
      if (at_end()) return failed("unterminated array");
      if (peek() == ',') {
        bump();
        continue;
      }
      if (peek() != ']') return failed("expected ',' or ']'");
      out.end = here();
      bump();
      return true;
    }
  }

  bool digits() {
    if (at_end() || peek() < '0' || peek() > '9') return failed("expected a digit");
    while (!at_end() && peek() >= '0' && peek() <= '9') bump();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written: a condition value 10.50 is
  // the text "10.50", and the number operators parse it themselves.
  bool number(Node& out) {
    std::size_t begin = pos_;
    if (peek() == '-') bump();
    if (at_end()) return failed("invalid number");
    if (peek() == '0') {
      bump();
    } else if (peek() >= '1' && peek() <= '9') {
      digits();
    } else {
      return failed("unexpected character");
    }
    if (!at_end() && peek() == '.') {
      bump();
      if (!digits()) return false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      bump();
      if (!at_end() && (peek() == '+' || peek() == '-')) bump();
      if (!digits()) return false;
    }
    out.text.assign(text_.substr(begin, pos_ - begin));
    out.end = {line_, column_ - 1};
    return true;
  }

  bool hex4(unsigned& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) return failed("truncated \\u escape");
      unsigned char c = peek();
      unsigned v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
      else return failed("invalid \\u escape");
      out = out * 16 + v;
      bump();
    }
    return true;
  }

  static void append_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // After the backslash. A high surrogate must be followed by an escaped low one; a lone
  // surrogate has no UTF-8 form, so it is an error rather than a replacement character.
  bool escape(std::string& s) {
    if (at_end()) return failed("truncated escape");
    unsigned char c = peek();
    bump();
    switch (c) {
      case '"': s.push_back('"'); return true;
      case '\\': s.push_back('\\'); return true;
      case '/': s.push_back('/'); return true;
      case 'b': s.push_back('\b'); return true;
      case 'f': s.push_back('\f'); return true;
      case 'n': s.push_back('\n'); return true;
      case 'r': s.push_back('\r'); return true;
      case 't': s.push_back('\t'); return true;
      case 'u': break;
      default: return failed("invalid escape");
    }
    unsigned cp;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return failed("lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") return failed("lone high surrogate");
      bump();
      bump();
      unsigned low;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return failed("lone high surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(s, cp);
    return true;
  }

  // One raw UTF-8 sequence starting at a byte >= 0x80: no overlong forms, no surrogates, nothing
  // past U+10FFFF.
  bool utf8(std::string& s) {
    unsigned char c = peek();
    int len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return failed("invalid UTF-8");
    }
    if (pos_ + static_cast<std::size_t>(len) > text_.size()) return failed("truncated UTF-8");
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text_[pos_ + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return failed("invalid UTF-8");
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return failed("invalid UTF-8");
    }
    for (int k = 0; k < len; ++k) {
      s.push_back(static_cast<char>(peek()));
      bump();
    }
    return true;
  }

  bool string(std::string& out, Position& end) {
    bump();  // "
    while (true) {
      if (at_end()) return failed("unterminated string");
      unsigned char c = peek();
      if (c == '"') {
        end = here();
        bump();
        return true;
      }
      if (c == '\\') {
        bump();
        if (!escape(out)) return false;
      } else if (c < 0x20) {
        return failed("control character in string");
      } else if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        bump();
      } else if (!utf8(out)) {
        return false;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::string_view error_;
  Position error_at_;
};

}  // namespace

std::optional<Node> read(std::string_view text, Bom bom, ReadError* error) {
  Reader reader(text);
  auto node = reader.document(bom);
  if (!node && error) *error = reader.error();
  return node;
}

}  // namespace iamd::policy::json::detail
