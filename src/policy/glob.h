#pragma once
// Glob patterns of the policy language (spec §3.7 item 6): `*` matches any run of characters,
// including none and including `/` and `:`; `?` matches exactly one character (one UTF-8 code
// point). There is no escaping: a literal `*` or `?` comes from ${*} / ${?} or from a substituted
// variable, so patterns are held as units in which a wildcard is distinct from every byte.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::policy {

/// One element of a pattern: a literal byte (0..255) or a wildcard.
using GlobUnit = std::uint16_t;
inline constexpr GlobUnit kGlobStar = 0x100;  // `*`
inline constexpr GlobUnit kGlobOne = 0x101;   // `?`

/// Whether pattern units `p` match all of `s`. Greedy leftmost matching of the literal chunks
/// between stars: O(|p|·|s|) worst case, constant extra space, no exponential backtracking.
bool glob_match_units(std::span<const GlobUnit> p, std::string_view s);

/// A small vector of units with inline storage, for patterns built per request from a template
/// (substituted variables): no allocation unless the pattern is long.
class GlobBuffer {
 public:
  GlobBuffer() = default;
  GlobBuffer(const GlobBuffer&) = delete;
  GlobBuffer& operator=(const GlobBuffer&) = delete;

  void push_back(GlobUnit u);
  /// Appends `text`; with `wildcards`, `*` and `?` become wildcard units, otherwise literal bytes.
  void append(std::string_view text, bool wildcards);
  std::span<const GlobUnit> units() const;
  std::size_t size() const { return heap_.empty() ? n_ : heap_.size(); }
  void clear();

 private:
  std::array<GlobUnit, 256> inline_;  // deliberately uninitialized: only [0, n_) is read
  std::size_t n_ = 0;
  std::vector<GlobUnit> heap_;  // used once the inline storage is full
};

/// Appends `text` to `out` as units (see GlobBuffer::append).
void append_glob_units(std::vector<GlobUnit>& out, std::string_view text, bool wildcards);

/// A compiled pattern with fast paths for the shapes policies use most: `*` alone, a literal,
/// `prefix*`, `*suffix`, `prefix*suffix`, `*infix*`; anything else takes the general matcher.
class Glob {
 public:
  /// The empty pattern: matches only "".
  Glob() = default;
  /// `*` and `?` in `pattern` are wildcards.
  static Glob compile(std::string_view pattern);
  /// No wildcards: matches exactly `text`.
  static Glob literal(std::string_view text);
  static Glob from_units(std::vector<GlobUnit> units);

  bool matches(std::string_view s) const;
  /// True for `*` (or `**`...): matches every string.
  bool matches_everything() const { return kind_ == Kind::Any; }
  bool has_wildcards() const { return kind_ != Kind::Literal; }

 private:
  enum class Kind : std::uint8_t { Any, Literal, Prefix, Suffix, PrefixSuffix, Infix, General };
  Kind kind_ = Kind::Literal;
  std::string a_;  // Literal/Prefix/PrefixSuffix: the prefix; Suffix: the suffix; Infix: the infix
  std::string b_;  // PrefixSuffix: the suffix
  std::vector<GlobUnit> units_;  // General only
};

}  // namespace iamd::policy
