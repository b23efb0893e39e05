#pragma once
// A small RFC 8259 reader that keeps what Boost.JSON drops: where each value sits in the text
// (the IAM simulator reports statement positions) and every object member in document order,
// duplicates included (AWS rejects a key given twice in one element). Internal to policy/json.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/model.h"

namespace iamd::policy::json::detail {

struct Member;

/// One JSON value. Positions are 1-based; columns count characters (code points), not bytes.
struct Node {
  enum class Kind : std::uint8_t { Null, Bool, Number, String, Array, Object };

  Kind kind = Kind::Null;
  /// String: the decoded value. Number: the literal as written ("1.50e3"). Bool: "true"/"false".
  std::string text;
  std::vector<Node> items;      // Array elements
  std::vector<Member> members;  // Object members in document order, duplicates kept
  Position start;               // the value's first character
  Position end;                 // its last character (the closing brace of an object)

  bool is_scalar() const {
    return kind == Kind::String || kind == Kind::Number || kind == Kind::Bool;
  }
};

struct Member {
  std::string key;
  Position key_start;
  Node value;
};

/// Arrays and objects nest at most this deep; deeper input is rejected, so reading recurses a
/// bounded number of times whatever the input.
inline constexpr int kMaxDepth = 64;

struct ReadError {
  Position at;
  std::string_view what;  // a static description, for logs and tests
};

enum class Bom { Reject, Skip };

/// Reads exactly one JSON value surrounded by optional whitespace (space, tab, LF, CR). Strings
/// must be well-formed UTF-8 with no raw control characters; `\u` escapes must pair surrogates.
/// nullopt on any error, with `error` (when given) saying where and what.
std::optional<Node> read(std::string_view text, Bom bom = Bom::Reject, ReadError* error = nullptr);

}  // namespace iamd::policy::json::detail
