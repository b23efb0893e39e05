// The word-at-a-time fast paths (swar.h) and the allocation-free parse against plain byte-by-byte
// reference implementations, on fixed edge cases and on many random inputs drawn from the bytes
// that matter (delimiters, whitespace, case, the bytes next to each range boundary, non-ASCII).

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <set>

#include "auth/sigv4/canonical_request.h"
#include "auth/sigv4/components.h"
#include "auth/sigv4/query.h"
#include "auth/sigv4/swar.h"
#include "auth/sigv4/test_support.h"
#include "auth/sigv4/text.h"
#include "auth/sigv4/verify.h"
#include "crypto/bytes.h"

namespace iamd::auth::sigv4 {
namespace {

// --- references ----------------------------------------------------------------------------

bool ref_is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string ref_trimall(std::string_view value) {
  std::string out;
  bool pending = false;
  bool started = false;
  for (char c : value) {
    if (ref_is_space(c)) {
      pending = started;
      continue;
    }
    if (pending) out.push_back(' ');
    out.push_back(c);
    pending = false;
    started = true;
  }
  return out;
}

bool ref_is_header_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool ref_token(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<std::vector<std::string>> ref_split_signed_headers(std::string_view value) {
  std::vector<std::string> names;
  while (true) {
    const std::size_t semi = value.find(';');
    const std::string_view name = value.substr(0, semi);
    if (name.empty() || !std::all_of(name.begin(), name.end(), ref_token)) return std::nullopt;
    if (names.size() == kMaxSignedHeaders) return std::nullopt;
    std::string& lowered = names.emplace_back(name);
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (semi == std::string_view::npos) break;
    value.remove_prefix(semi + 1);
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) return std::nullopt;
  return names;
}

std::optional<std::vector<std::string>> ref_split_credential(std::string_view value) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t slash = value.find('/');
    parts.emplace_back(value.substr(0, slash));
    if (slash == std::string_view::npos) break;
    value.remove_prefix(slash + 1);
  }
  if (parts.size() != 5) return std::nullopt;
  for (const auto& part : parts) {
    if (part.empty() || part.size() > kMaxCredentialPartBytes) return std::nullopt;
    for (char c : part) {
      if (!(c > 0x20 && c < 0x7f)) return std::nullopt;
    }
  }
  return parts;
}

std::optional<std::string> ref_normalize_signature(std::string_view value) {
  if (value.size() != 64) return std::nullopt;
  std::string out(value);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

// The original normalize-then-encode of canonical_uri (two passes, a temporary string).
std::string ref_canonical_uri(std::string_view path) {
  std::string out;
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      out.resize(out.empty() ? 0 : out.rfind('/'));
      continue;
    }
    out.push_back('/');
    out.append(segment);
  }
  std::string normalized;
  if (out.empty()) {
    normalized = path.starts_with('/') ? "/" : "";
  } else {
    if (!path.starts_with('/')) out.erase(0, 1);
    if (path.ends_with('/')) out.push_back('/');
    normalized = out;
  }
  std::string encoded;
  if (normalized.empty()) encoded.push_back('/');
  append_uri_encoded(encoded, normalized, true);
  return encoded;
}

// --- random input --------------------------------------------------------------------------

class Bytes {
 public:
  explicit Bytes(std::string_view alphabet, std::uint32_t seed = 7) : alphabet_(alphabet),
                                                                      rng_(seed) {}
  std::string make(std::size_t max_length) {
    std::string s(std::uniform_int_distribution<std::size_t>(0, max_length)(rng_), ' ');
    for (char& c : s) c = alphabet_[pick(alphabet_.size())];
    return s;
  }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

 private:
  std::string alphabet_;
  std::mt19937 rng_;
};

// Each range boundary the masks test, both sides, and a non-ASCII byte.
// Sized from the literal itself, which holds a NUL (a count written by hand read past its end).
constexpr char kEdgeBytes[] = "\x00\x1f !\"/0189:;@AZ[`afgz{~\x7f\x80\xff-_.^|\t\r\n\v\f";
const std::string kEdges(kEdgeBytes, sizeof kEdgeBytes - 1);

// --- swar ----------------------------------------------------------------------------------

TEST(Swar, MasksAreExactForEveryByteValue) {
  for (int v = 0; v < 256; ++v) {
    for (int position = 0; position < 8; ++position) {
      // The byte under test among neighbours that would expose a borrow or carry.
      for (unsigned char neighbour : {0x00, 0x21, 0x7f, 0x80, 0xff}) {
        char bytes[8];
        std::memset(bytes, neighbour, sizeof bytes);
        bytes[position] = static_cast<char>(v);
        const std::uint64_t w = swar::load(bytes);
        const std::uint64_t bit = std::uint64_t{0x80} << (8 * position);
        const auto c = static_cast<unsigned char>(v);
        ASSERT_EQ((swar::less_than(w, 0x21) & bit) != 0, c < 0x21) << v;
        ASSERT_EQ((swar::greater_than(w, 0x7e) & bit) != 0, c > 0x7e) << v;
        ASSERT_EQ((swar::in_range(w, 'a', 'z') & bit) != 0, c >= 'a' && c <= 'z') << v;
        ASSERT_EQ((swar::equal_to(w, ';') & bit) != 0, c == ';') << v;
        const auto lowered = static_cast<unsigned char>(swar::to_lower(w) >> (8 * position));
        ASSERT_EQ(lowered, c >= 'A' && c <= 'Z' ? c + 32 : c) << v;
      }
    }
  }
}

// --- fast paths against references ---------------------------------------------------------

TEST(FastPaths, TrimallMatchesTheReference) {
  Bytes gen(std::string("ab ") + kEdges);
  for (int i = 0; i < 20000; ++i) {
    const std::string value = gen.make(40);
    ASSERT_EQ(trimall(value), ref_trimall(value)) << ::testing::PrintToString(value);
  }
}

TEST(FastPaths, CanonicalUriMatchesNormalizingThenEncoding) {
  Bytes gen("//..a%b c" + kEdges);
  for (int i = 0; i < 20000; ++i) {
    const std::string path = gen.make(24);
    ASSERT_EQ(canonical_uri(path, PathNormalization::Rfc3986), ref_canonical_uri(path))
        << ::testing::PrintToString(path);
  }
}

TEST(FastPaths, HeaderNameComparisonMatchesTheReference) {
  Bytes gen("aAzZ-x-amz-DATE" + kEdges);
  for (int i = 0; i < 20000; ++i) {
    std::string name = gen.make(24);
    std::string lower = name;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!lower.empty() && gen.pick(2) == 0) lower[gen.pick(lower.size())] ^= 0x20;  // near miss
    ASSERT_EQ(is_header_named(name, lower), ref_is_header_named(name, lower))
        << ::testing::PrintToString(name) << " " << ::testing::PrintToString(lower);
  }
}

TEST(FastPaths, SignedHeadersMatchTheReferenceAndReuseTheVector) {
  Bytes gen("abcxyz-09;;;ABZ_" + kEdges);
  SignedHeaders reused = {"left", "over", "from", "before"};
  for (int i = 0; i < 20000; ++i) {
    const std::string value = gen.make(i % 10 == 0 ? 300 : 40);
    const auto expected = ref_split_signed_headers(value);
    ASSERT_EQ(split_signed_headers(value), expected) << ::testing::PrintToString(value);
    const bool ok = split_signed_headers_into(value, reused);
    ASSERT_EQ(ok, expected.has_value());
    if (ok) {
      ASSERT_EQ(reused, *expected);
      ASSERT_EQ(reused, SignedHeaders(*expected));  // the same line and name boundaries
      std::string line;
      for (const std::string& name : *expected) line += (line.empty() ? "" : ";") + name;
      ASSERT_EQ(reused.line(), line);
    }
  }
  EXPECT_EQ(split_signed_headers("host;X-Amz-Date;content-type"),
            (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  std::string many;
  for (std::size_t i = 0; i < kMaxSignedHeaders; ++i) {
    many += 'h';  // appended: GCC 12 warns falsely on "literal" + std::string&&
    many += std::to_string(1000 + i);
    many += ';';
  }
  many.pop_back();
  EXPECT_TRUE(split_signed_headers(many));  // exactly the limit
  EXPECT_FALSE(split_signed_headers(many + ";h9999"));
}

TEST(FastPaths, CredentialMatchesTheReference) {
  Bytes gen("ab/09/ak" + kEdges);
  for (int i = 0; i < 20000; ++i) {
    const std::string value = gen.make(i % 10 == 0 ? 300 : 30);
    const auto got = split_credential(value);
    const auto expected = ref_split_credential(value);
    ASSERT_EQ(got.has_value(), expected.has_value()) << ::testing::PrintToString(value);
    if (!got) continue;
    EXPECT_EQ(got->access_key_id, (*expected)[0]);
    EXPECT_EQ(got->date, (*expected)[1]);
    EXPECT_EQ(got->region, (*expected)[2]);
    EXPECT_EQ(got->service, (*expected)[3]);
    EXPECT_EQ(got->terminator, (*expected)[4]);
  }
  EXPECT_TRUE(split_credential("AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request"));
  EXPECT_FALSE(split_credential("AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request/"));
  EXPECT_FALSE(split_credential(std::string(129, 'a') + "/b/c/d/e"));
  EXPECT_TRUE(split_credential(std::string(128, 'a') + "/b/c/d/e"));
}

TEST(FastPaths, SignatureMatchesTheReference) {
  Bytes gen("0123456789abcdefABCDEFgG" + kEdges);
  std::string reused = "left over";
  for (int i = 0; i < 20000; ++i) {
    std::string value = gen.make(0);
    value.resize(i % 50 == 0 ? 63 : 64);
    for (char& c : value) c = "0123456789abcdefABCDEF"[gen.pick(22)];
    if (i % 2 == 0) value[gen.pick(value.size())] = kEdges[gen.pick(kEdges.size())];
    const auto expected = ref_normalize_signature(value);
    ASSERT_EQ(normalize_signature(value), expected) << value;
    ASSERT_EQ(normalize_signature_into(value, reused), expected.has_value());
    if (expected) {
      ASSERT_EQ(reused, *expected);
    }
  }
}

TEST(FastPaths, QueryParameterLookupMatchesDecoding) {
  Bytes gen("X-Amz-Algorithm=&%2D%2d%zz+a" + kEdges);
  for (int i = 0; i < 20000; ++i) {
    std::string query = gen.make(60);
    if (i % 3 == 0) query.insert(gen.pick(query.size() + 1), "&X-Amz-Algorithm=x&");
    if (i % 5 == 0) query.insert(gen.pick(query.size() + 1), "X%2DAmz-Algorithm");
    bool expected = false;
    for (const auto& p : decode_query(query)) expected |= p.name == "X-Amz-Algorithm";
    ASSERT_EQ(has_query_parameter(query, "X-Amz-Algorithm"), expected)
        << ::testing::PrintToString(query);
  }
}

// parse(request, reused) against parse(request) into a fresh object: the same outcome, and the
// same fields on success.
void expect_same_as_fresh_parse(const testing::RawRequest& request, ParsedSignature& reused,
                                const std::string& trace) {
  SCOPED_TRACE(trace);
  auto fresh = parse(request.view());
  const core::Status into = parse(request.view(), reused);
  ASSERT_EQ(fresh.has_value(), into.has_value());
  if (!fresh) {
    EXPECT_EQ(fresh.error().code, into.error().code);
    EXPECT_EQ(fresh.error().message, into.error().message);
    return;
  }
  EXPECT_EQ(reused.access_key_id, fresh->access_key_id);
  EXPECT_EQ(reused.date, fresh->date);
  EXPECT_EQ(reused.region, fresh->region);
  EXPECT_EQ(reused.service, fresh->service);
  EXPECT_EQ(reused.terminator, fresh->terminator);
  EXPECT_EQ(reused.signed_headers, fresh->signed_headers);
  EXPECT_EQ(reused.signature, fresh->signature);
  EXPECT_EQ(reused.amz_date, fresh->amz_date);
  EXPECT_EQ(reused.request_time, fresh->request_time);
  EXPECT_EQ(reused.session_token, fresh->session_token);
  EXPECT_EQ(reused.presigned, fresh->presigned);
  EXPECT_EQ(reused.expires_seconds, fresh->expires_seconds);
}

// IAM ListUsers as botocore signs it, with the Authorization header.
testing::RawRequest signed_list_users() {
  testing::RawRequest raw{"POST", "/", {}, "Action=ListUsers&Version=2010-05-08"};
  raw.headers = {{"Host", "iam.amazonaws.com"},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"X-Amz-Date", "20150830T123600Z"}};
  testing::ClientSigning client;
  client.signed_headers = {"content-type", "host", "x-amz-date"};
  testing::sign_with_header(raw, client);
  return raw;
}

TEST(FastPaths, ParseIntoAReusedSignatureMatchesAFreshParse) {
  testing::RawRequest raw = signed_list_users();

  testing::RawRequest with_token = raw;
  with_token.headers.emplace_back("X-Amz-Security-Token", "token-1");
  testing::RawRequest presigned{"GET",
                                "/?Action=ListUsers&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                                "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2F"
                                "aws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&"
                                "X-Amz-SignedHeaders=host&X-Amz-Signature=" +
                                    std::string(64, 'a'),
                                {{"Host", "iam.amazonaws.com"}},
                                ""};
  testing::RawRequest broken = raw;
  broken.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=x");

  ParsedSignature reused;
  for (int round = 0; round < 2; ++round) {
    for (const testing::RawRequest* r : {&with_token, &presigned, &raw, &broken, &raw}) {
      expect_same_as_fresh_parse(*r, reused, r->target);
    }
  }
}

// A reused ParsedSignature remembers the Authorization header it was parsed from and, for a
// header that differs only in the signature, reads only what may have changed. Every sequence of
// three requests among ones that differ from a first one in each way that matters (and a few
// that look alike but are not) must parse as a fresh parse does, at every step.
TEST(FastPaths, ReparsingTheSameHeaderButTheSignatureMatchesAFreshParse) {
  const testing::RawRequest base = signed_list_users();
  const std::string authorization(*find_header(base.view(), "authorization"));
  const std::string head = authorization.substr(0, authorization.size() - 64);
  const std::string signature = authorization.substr(authorization.size() - 64);

  std::vector<std::pair<std::string, testing::RawRequest>> variants;
  auto variant = [&](std::string name, auto&& change) {
    testing::RawRequest r = base;
    change(r);
    variants.emplace_back(std::move(name), std::move(r));
  };
  auto with_authorization = [](std::string value) {
    return [value](testing::RawRequest& r) { r.set_header("Authorization", value); };
  };
  auto upper = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string value = authorization;
    const std::size_t at = value.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    value.replace(at, from.size(), to);
    return value;
  };
  variant("base", [](testing::RawRequest&) {});
  variant("another signature", with_authorization(head + std::string(64, '7')));
  variant("upper-case signature", with_authorization(head + upper(signature)));
  variant("non-hex signature", with_authorization(head + std::string(63, 'a') + "g"));
  variant("a component in the signature's place",
          with_authorization(head + ",Signature=" + std::string(53, 'b')));
  variant("a space after the signature", with_authorization(authorization + " "));
  variant("a shorter signature", with_authorization(head + std::string(63, 'a')));
  // As long as "a space after the signature", and the same up to the last 64 bytes.
  variant("a longer signature",
          with_authorization(head + signature.substr(0, 1) + std::string(64, '7')));
  // The header with one piece replaced.
  const std::string_view kEdits[][3] = {
      {"another key of the same length", "AKIDEXAMPLE", "AKIDEXAMPLF"},
      {"a longer key", "AKIDEXAMPLE", "AKIDEXAMPLE0123456789"},
      {"a key with a slash", "AKIDEXAMPLE", "AKID/EXAMPLE"},
      {"a key with a space", "AKIDEXAMPLE", "AKID EXAMPLE"},
      {"no key", "AKIDEXAMPLE", ""},
      {"a scope with a part joined", "20150830/us-east-1", "20150830_us-east-1"},
      {"a scope of empty parts", "/20150830/us-east-1/iam/aws4_request", "////"},
      {"another region of the same length", "us-east-1", "us-east-2"},
      {"other signed headers of the same length", "content-type;host", "content-typf;host"},
      {"a signed header twice", "content-type;host;x-amz-date", "content-type;host;host"},
      {"signed headers in upper case", "content-type;host", "Content-Type;host"},
      {"host not signed", "content-type;host;", "content-type;hosx;"},
  };
  for (const auto& [name, from, to] : kEdits) {
    variant(std::string(name), with_authorization(replaced(from, to)));
  }
  const std::string key_at_limit(kMaxCredentialPartBytes, 'K');
  variant("a key at the limit", with_authorization(replaced("AKIDEXAMPLE", key_at_limit)));
  variant("a key over the limit", with_authorization(replaced("AKIDEXAMPLE", key_at_limit + "K")));
  variant("another key and another time", [&](testing::RawRequest& r) {
    r.set_header("Authorization", replaced("AKIDEXAMPLE", "AKIDEXAMPLF"));
    r.set_header("X-Amz-Date", "20150830T123601Z");
  });
  variant("another time", [](testing::RawRequest& r) {
    r.set_header("X-Amz-Date", "20150830T123601Z");
  });
  variant("a malformed time", [](testing::RawRequest& r) {
    r.set_header("X-Amz-Date", "20150830T12360Z");
  });
  variant("two times", [](testing::RawRequest& r) {
    r.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  });
  variant("only a Date header", [](testing::RawRequest& r) {
    std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
    r.headers.emplace_back("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
  });
  variant("no time", [](testing::RawRequest& r) {
    std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  });
  variant("a token", [](testing::RawRequest& r) {
    r.headers.emplace_back("X-Amz-Security-Token", "token-1");
  });
  variant("two tokens", [](testing::RawRequest& r) {
    r.headers.emplace_back("X-Amz-Security-Token", "token-1");
    r.headers.emplace_back("X-Amz-Security-Token", "token-2");
  });
  variant("a signed header too long", [](testing::RawRequest& r) {
    r.set_header("Content-Type", std::string(kMaxHeaderValueBytes + 1, 'x'));
  });
  variant("no authorization", [](testing::RawRequest& r) {
    std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
  });
  variant("presigned", [](testing::RawRequest& r) {
    std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
    r.target =
        "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2F"
        "iam%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&"
        "X-Amz-SignedHeaders=host&X-Amz-Signature=" +
        std::string(64, 'a');
  });

  for (const auto& [first, a] : variants) {
    for (const auto& [second, b] : variants) {
      for (const auto& [third, c] : variants) {
        ParsedSignature reused;
        expect_same_as_fresh_parse(a, reused, first);
        expect_same_as_fresh_parse(b, reused, first + ", " + second);
        expect_same_as_fresh_parse(c, reused, first + ", " + second + ", " + third);
      }
    }
    if (HasFailure()) return;  // one report per first request is plenty
  }
}

// A client's requests go to one slot whatever else changes, and clients spread over the slots.
TEST(FastPaths, ParsedSignatureSlotsKeepAClientToOneSlotAndSpreadClients) {
  auto request_from = [](std::string access_key_id, std::string amz_date) {
    testing::RawRequest raw{"POST", "/", {}, "Action=ListUsers&Version=2010-05-08"};
    raw.headers = {{"Host", "iam.amazonaws.com"}, {"X-Amz-Date", amz_date}};
    testing::ClientSigning client;
    client.access_key_id = std::move(access_key_id);
    client.amz_date = std::move(amz_date);
    client.signed_headers = {"host", "x-amz-date"};
    testing::sign_with_header(raw, client);
    return raw;
  };
  ParsedSignatureSlots slots;
  std::set<const ParsedSignature*> used;
  std::mt19937 random(7);
  for (int k = 0; k < 64; ++k) {
    std::string key = "AKIA";
    for (int i = 0; i < 16; ++i) key.push_back("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[random() % 32]);
    const testing::RawRequest first = request_from(key, "20150830T123600Z");
    const testing::RawRequest later = request_from(key, "20150830T123700Z");
    const ParsedSignature* slot = &slots.pick(first.view());
    EXPECT_EQ(&slots.pick(later.view()), slot) << key;
    used.insert(slot);
  }
  EXPECT_GE(used.size(), ParsedSignatureSlots::kSlots - 1);

  // Requests without a header to go by still get a slot, and one that parses.
  testing::RawRequest unsigned_request{"GET", "/", {{"Host", "iam.amazonaws.com"}}, ""};
  testing::RawRequest short_header = unsigned_request;
  short_header.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=x");
  for (const testing::RawRequest* r : {&unsigned_request, &short_header}) {
    ParsedSignature& slot = slots.pick(r->view());
    EXPECT_FALSE(parse(r->view(), slot));
  }
}

TEST(FastPaths, HexMatchesTheReferenceForEveryByte) {
  std::array<std::uint8_t, 256> all;
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  // Every length the contract allows (a multiple of 4), so that whole blocks and the tail after
  // them are both covered.
  for (std::size_t n = 0; n <= all.size(); n += 4) {
    std::string hex(2 * n + 1, '?');
    write_hex(hex.data(), all.data() + (all.size() - n), n);
    EXPECT_EQ(hex, crypto::to_hex(std::span(all).last(n)) + "?") << n;
  }
}

TEST(FastPaths, CopyTextCopiesEveryLengthExactly) {
  const std::string source = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
  for (std::size_t n = 0; n <= source.size(); ++n) {
    std::string out(source.size() + 2, '.');
    const char* end = copy_text(out.data() + 1, std::string_view(source).substr(0, n));
    ASSERT_EQ(end, out.data() + 1 + n);
    std::string expected = ".";  // appended: GCC 12 warns falsely on "literal" + std::string&&
    expected += source.substr(0, n);
    expected.append(source.size() + 1 - n, '.');
    ASSERT_EQ(out, expected) << n;
  }
}

TEST(SignedHeadersList, KeepsTheLineAndEachName) {
  SignedHeaders names = {"content-type", "host", "x-amz-date"};
  EXPECT_EQ(names.line(), "content-type;host;x-amz-date");
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "content-type");
  EXPECT_EQ(names[2], "x-amz-date");
  EXPECT_EQ(names, (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_EQ(names.to_vector(), (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  // The same line split differently is a different list.
  SignedHeaders other = {"content-type;host", "x-amz-date"};
  EXPECT_EQ(other.line(), names.line());
  EXPECT_NE(other, names);
  names.clear();
  EXPECT_TRUE(names.empty());
  EXPECT_EQ(names.line(), "");
  for (std::size_t i = 0; i < kMaxSignedHeaders; ++i) names.push_back(std::to_string(i));
  EXPECT_THROW(names.push_back("one-too-many"), std::length_error);
}

TEST(FastPaths, CanonicalHeadersOfManyHeadersMatchTheReference) {
  // More headers than the index takes (64), the signed ones among the last and repeated.
  testing::RawRequest raw{"GET", "/", {}, ""};
  for (int i = 0; i < 80; ++i) raw.headers.emplace_back("X-Filler-" + std::to_string(i), "v");
  raw.headers.emplace_back("Host", "h");
  raw.headers.emplace_back("X-Filler-79", " again ");
  const SignedHeaders names = {"host", "x-filler-3", "x-filler-79"};
  auto headers = canonical_headers(raw.view(), names);
  ASSERT_TRUE(headers);
  EXPECT_EQ(*headers, "host:h\nx-filler-3:v\nx-filler-79:v,again\n");
  raw.headers.resize(60);  // now indexed: the same answer for what is left
  raw.headers.emplace_back("HOST", "h");
  auto indexed = canonical_headers(raw.view(), {"host", "x-filler-3"});
  ASSERT_TRUE(indexed);
  EXPECT_EQ(*indexed, "host:h\nx-filler-3:v\n");
}

TEST(FastPaths, SignatureMustBeTheExactLowerCaseHex) {
  // parse() lowers the client's hex; a ParsedSignature built by hand is compared as it is.
  testing::RawRequest raw{"POST", "/", {}, "Action=ListUsers&Version=2010-05-08"};
  raw.headers = {{"Host", "iam.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  testing::ClientSigning client;
  client.signed_headers = {"host", "x-amz-date"};
  testing::sign_with_header(raw, client);
  auto parsed = parse(raw.view());
  ASSERT_TRUE(parsed);
  const SigningKey key =
      derive_signing_key(client.secret, parsed->date, parsed->region, parsed->service);
  ASSERT_TRUE(verify(raw.view(), *parsed, key));
  ParsedSignature s = *parsed;
  for (char& c : s.signature) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(verify(raw.view(), s, key));
  s = *parsed;
  s.signature.pop_back();
  EXPECT_FALSE(verify(raw.view(), s, key));
  s = *parsed;
  s.signature[63] = s.signature[63] == '0' ? '1' : '0';
  EXPECT_FALSE(verify(raw.view(), s, key));
}

}  // namespace
}  // namespace iamd::auth::sigv4
