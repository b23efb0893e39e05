#include "policy/glob.h"

#include <algorithm>

namespace iamd::policy {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Byte length of the character starting at s[i]: a whole UTF-8 sequence when well formed, one
// byte otherwise (so malformed input still advances and never over-reads).
std::size_t char_len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 1;
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Start of the character that ends just before `end` (end > 0).
std::size_t char_start_before(std::string_view s, std::size_t end) {
  std::size_t i = end - 1;
  for (int k = 0; k < 3 && i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; ++k) --i;
  return char_len(s, i) == end - i ? i : end - 1;
}

// Matches a star-free chunk at s[pos...]; returns the end position or kNone.
std::size_t match_chunk_at(std::span<const GlobUnit> chunk, std::string_view s, std::size_t pos) {
  for (GlobUnit u : chunk) {
    if (pos >= s.size()) return kNone;
    if (u == kGlobOne) {
      pos += char_len(s, pos);
    } else {
      if (static_cast<unsigned char>(s[pos]) != u) return kNone;
      ++pos;
    }
  }
  return pos;
}

// Matches a star-free chunk so that it ends exactly at `end`, starting no earlier than `floor`;
// returns its start or kNone.
std::size_t match_chunk_before(std::span<const GlobUnit> chunk, std::string_view s, std::size_t end,
                               std::size_t floor) {
  for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) {
    if (end <= floor) return kNone;
    if (*it == kGlobOne) {
      end = char_start_before(s, end);
      if (end < floor) return kNone;
    } else {
      if (static_cast<unsigned char>(s[end - 1]) != *it) return kNone;
      --end;
    }
  }
  return end;
}

// Leftmost position >= pos (on a character boundary) where `chunk` matches within s; returns the
// end of that match or kNone.
std::size_t find_chunk(std::span<const GlobUnit> chunk, std::string_view s, std::size_t pos) {
  const bool literal_first = chunk.front() != kGlobOne;
  while (pos < s.size()) {
    if (!literal_first || static_cast<unsigned char>(s[pos]) == chunk.front()) {
      std::size_t end = match_chunk_at(chunk, s, pos);
      if (end != kNone) return end;
    }
    pos += char_len(s, pos);
  }
  return kNone;
}

}  // namespace

bool glob_match_units(std::span<const GlobUnit> p, std::string_view s) {
  auto first_star = std::find(p.begin(), p.end(), kGlobStar);
  if (first_star == p.end()) return match_chunk_at(p, s, 0) == s.size();
  auto last_star = std::find(p.rbegin(), p.rend(), kGlobStar).base() - 1;

  std::span<const GlobUnit> head(p.begin(), first_star);
  std::span<const GlobUnit> tail(last_star + 1, p.end());
  std::size_t pos = match_chunk_at(head, s, 0);
  if (pos == kNone) return false;
  // INVARIANT: the tail is anchored at the end, so its start is unique; the middle chunks must
  // fit between the head and that start, and taking each leftmost is never worse.
  std::size_t tail_start = match_chunk_before(tail, s, s.size(), pos);
  if (tail_start == kNone) return false;
  std::string_view middle_space = s.substr(0, tail_start);
  auto it = first_star + 1;
  while (it < last_star) {
    auto next = std::find(it, last_star, kGlobStar);
    if (next != it) {
      pos = find_chunk(std::span<const GlobUnit>(it, next), middle_space, pos);
      if (pos == kNone) return false;
    }
    it = next + 1;
  }
  return true;
}

void GlobBuffer::push_back(GlobUnit u) {
  if (heap_.empty() && n_ < inline_.size()) {
    inline_[n_++] = u;
    return;
  }
  if (heap_.empty()) heap_.assign(inline_.begin(), inline_.begin() + n_);
  heap_.push_back(u);
}

void GlobBuffer::append(std::string_view text, bool wildcards) {
  for (char c : text) {
    if (wildcards && c == '*') {
      push_back(kGlobStar);
    } else if (wildcards && c == '?') {
      push_back(kGlobOne);
    } else {
      push_back(static_cast<unsigned char>(c));
    }
  }
}

std::span<const GlobUnit> GlobBuffer::units() const {
  if (!heap_.empty()) return heap_;
  return std::span<const GlobUnit>(inline_.data(), n_);
}

void GlobBuffer::clear() {
  n_ = 0;
  heap_.clear();
}

void append_glob_units(std::vector<GlobUnit>& out, std::string_view text, bool wildcards) {
  out.reserve(out.size() + text.size());
  for (char c : text) {
    if (wildcards && c == '*') {
      out.push_back(kGlobStar);
    } else if (wildcards && c == '?') {
      out.push_back(kGlobOne);
    } else {
      out.push_back(static_cast<unsigned char>(c));
    }
  }
}

Glob Glob::compile(std::string_view pattern) {
  std::vector<GlobUnit> units;
  append_glob_units(units, pattern, true);
  return from_units(std::move(units));
}

Glob Glob::literal(std::string_view text) {
  Glob g;
  g.kind_ = Kind::Literal;
  g.a_ = std::string(text);
  return g;
}

Glob Glob::from_units(std::vector<GlobUnit> units) {
  Glob g;
  std::size_t stars = 0, ones = 0;
  for (GlobUnit u : units) {
    stars += u == kGlobStar;
    ones += u == kGlobOne;
  }
  auto text = [&](std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out.push_back(static_cast<char>(units[i]));
    return out;
  };
  const std::size_t n = units.size();
  if (ones == 0 && stars == n && n > 0) {
    g.kind_ = Kind::Any;
  } else if (ones == 0 && stars == 0) {
    g.kind_ = Kind::Literal;
    g.a_ = text(0, n);
  } else if (ones == 0 && stars == 1 && units.back() == kGlobStar) {
    g.kind_ = Kind::Prefix;
    g.a_ = text(0, n - 1);
  } else if (ones == 0 && stars == 1 && units.front() == kGlobStar) {
    g.kind_ = Kind::Suffix;
    g.a_ = text(1, n);
  } else if (ones == 0 && stars == 1) {
    auto star =
        static_cast<std::size_t>(std::find(units.begin(), units.end(), kGlobStar) - units.begin());
    g.kind_ = Kind::PrefixSuffix;
    g.a_ = text(0, star);
    g.b_ = text(star + 1, n);
  } else if (ones == 0 && stars == 2 && n > 2 && units.front() == kGlobStar &&
             units.back() == kGlobStar) {
    g.kind_ = Kind::Infix;
    g.a_ = text(1, n - 1);
  } else {
    g.kind_ = Kind::General;
    g.units_ = std::move(units);
  }
  return g;
}

bool Glob::matches(std::string_view s) const {
  switch (kind_) {
    case Kind::Any:
      return true;
    case Kind::Literal:
      return s == a_;
    case Kind::Prefix:
      return s.starts_with(a_);
    case Kind::Suffix:
      return s.ends_with(a_);
    case Kind::PrefixSuffix:
      return s.size() >= a_.size() + b_.size() && s.starts_with(a_) && s.ends_with(b_);
    case Kind::Infix:
      return s.find(a_) != std::string_view::npos;
    case Kind::General:
      return glob_match_units(units_, s);
  }
  return false;
}

}  // namespace iamd::policy
