#include "policy/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <regex>

namespace iamd::policy {
namespace {

struct GlobCase {
  const char* pattern;
  const char* text;
  bool match;
};

void PrintTo(const GlobCase& c, std::ostream* os) {
  *os << "'" << c.pattern << "' vs '" << c.text << "' -> " << c.match;
}

class GlobTable : public ::testing::TestWithParam<GlobCase> {};

TEST_P(GlobTable, Matches) {
  const auto& c = GetParam();
  EXPECT_EQ(Glob::compile(c.pattern).matches(c.text), c.match) << c.pattern << " vs " << c.text;
  std::vector<GlobUnit> units;
  append_glob_units(units, c.pattern, true);
  EXPECT_EQ(glob_match_units(units, c.text), c.match) << "general matcher: " << c.pattern;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, GlobTable,
    ::testing::Values(
        // any
        GlobCase{"*", "", true}, GlobCase{"*", "anything/at:all", true}, GlobCase{"**", "x", true},
        // literal
        GlobCase{"", "", true}, GlobCase{"", "a", false}, GlobCase{"abc", "abc", true},
        GlobCase{"abc", "abcd", false}, GlobCase{"abc", "ABC", false},
        // prefix / suffix / both / infix
        GlobCase{"get*", "getobject", true}, GlobCase{"get*", "get", true},
        GlobCase{"get*", "ge", false}, GlobCase{"*key", "accesskey", true},
        GlobCase{"*key", "keys", false}, GlobCase{"a*z", "az", true}, GlobCase{"a*z", "abcz", true},
        GlobCase{"ab*ba", "aba", false}, GlobCase{"*access*", "createaccesskey", true},
        GlobCase{"*access*", "acces", false},
        // `?` is exactly one character
        GlobCase{"?", "", false}, GlobCase{"?", "a", true}, GlobCase{"?", "ab", false},
        GlobCase{"a?c", "abc", true}, GlobCase{"a?c", "ac", false},
        GlobCase{"?", "\xc3\xa9", true},  // é is one character
        GlobCase{"??", "\xc3\xa9", false},
        GlobCase{"*??", "\xe2\x82\xac", false},  // € is one character, not three
        GlobCase{"x?y", "x\xe2\x82\xacy", true},
        // general
        GlobCase{"*a*b*c*", "xxaxxbxxcxx", true}, GlobCase{"*a*b*c*", "cba", false},
        GlobCase{"a*b?d*e", "aXbcdYe", true}, GlobCase{"a*b?d*e", "aXbcdY", false},
        GlobCase{"*/*", "user/x", true}, GlobCase{"user/*/bob", "user/a/b/bob", true},
        GlobCase{"*ab*ab", "abab", true}, GlobCase{"*ab*ab", "aab", false},
        GlobCase{"?*?", "ab", true}, GlobCase{"?*?", "a", false}));

TEST(Glob, LiteralUnitsNeverActAsWildcards) {
  std::vector<GlobUnit> units;
  append_glob_units(units, "a", true);
  append_glob_units(units, "*", false);  // e.g. from ${*} or a substituted value
  EXPECT_TRUE(glob_match_units(units, "a*"));
  EXPECT_FALSE(glob_match_units(units, "abc"));
  EXPECT_TRUE(Glob::from_units(units).matches("a*"));
  EXPECT_FALSE(Glob::from_units(units).matches("ab"));
}

TEST(Glob, BufferSpillsToHeap) {
  GlobBuffer b;
  std::string long_text(1000, 'x');
  b.append(long_text, false);
  b.push_back(kGlobStar);
  EXPECT_EQ(b.size(), 1001u);
  EXPECT_TRUE(glob_match_units(b.units(), long_text + "tail"));
  b.clear();
  b.append("a?", true);
  EXPECT_TRUE(glob_match_units(b.units(), "ab"));
}

TEST(Glob, NoBacktrackingBlowup) {
  // Classic exponential case for naive backtracking: a*a*a*...a*b against aaaa...a.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  std::string text(5000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(Glob::compile(pattern).matches(text));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_LT(ms, 500);
}

// Property test: the matcher agrees with a std::regex translation on random ASCII patterns and
// strings over a small alphabet (so matches are frequent).
std::string to_regex(const std::string& glob) {
  std::string re;
  for (char c : glob) {
    if (c == '*') {
      re += "[\\s\\S]*";
    } else if (c == '?') {
      re += "[\\s\\S]";
    } else {
      re += '[';
      re += c;
      re += ']';
    }
  }
  return re;
}

TEST(Glob, AgreesWithRegexOnRandomInputs) {
  std::mt19937 rng(20240601);
  const std::string pattern_alphabet = "ab:/*?";
  const std::string text_alphabet = "ab:/";
  int matches = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string pattern, text;
    int plen = static_cast<int>(rng() % 9), tlen = static_cast<int>(rng() % 12);
    for (int i = 0; i < plen; ++i) pattern += pattern_alphabet[rng() % pattern_alphabet.size()];
    for (int i = 0; i < tlen; ++i) text += text_alphabet[rng() % text_alphabet.size()];
    bool expected = std::regex_match(text, std::regex(to_regex(pattern)));
    matches += expected;
    ASSERT_EQ(Glob::compile(pattern).matches(text), expected)
        << "pattern '" << pattern << "' text '" << text << "'";
  }
  EXPECT_GT(matches, 1000);  // the alphabet is small enough that both outcomes are exercised
}

}  // namespace
}  // namespace iamd::policy
