#pragma once
// The transport-free view of a request that SigV4 works on, and what parse() finds in it.
// Nothing here knows Beast: http/ builds a SignableRequest from whatever it parsed.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/swar.h"
#include "core/clock.h"

namespace iamd::auth::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";

// Limits on untrusted input. Real clients stay far below them; they exist so that a hostile
// request costs bounded time and memory, and each breach is answered with IncompleteSignature.
inline constexpr std::size_t kMaxHeaderValueBytes = 8 * 1024;
inline constexpr std::size_t kMaxSignedHeaders = 64;
inline constexpr std::size_t kMaxCredentialPartBytes = 128;

/// Clock skew tolerated either way between the client's clock and ours (spec §5.5 step 4).
inline constexpr std::chrono::minutes kAllowedClockSkew{15};
/// X-Amz-Expires must lie in [1, 7 days] (spec §5.4).
inline constexpr std::int64_t kMinPresignedExpiresSeconds = 1;
inline constexpr std::int64_t kMaxPresignedExpiresSeconds = 604800;

/// A request as received. Views only: the caller keeps the storage alive while SigV4 runs.
struct SignableRequest {
  std::string_view method;
  /// The raw request target, "path?query", still percent-encoded as it came off the wire.
  std::string_view target;
  /// In arrival order; names in any case; a repeated header appears once per occurrence.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
};

/// A SignedHeaders list: lower-case names, sorted, without duplicates, as parse() leaves it (one
/// built by hand holds what it was given, in that order). Kept as the line that enters the
/// canonical request ("content-type;host;x-amz-date") plus where each name ends: refilling the
/// one a thread reuses is a single copy, and the canonical request takes the line as it is.
/// Reads like a container of string_views.
class SignedHeaders {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;
    const_iterator() = default;
    std::string_view operator*() const { return (*list_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }

   private:
    friend class SignedHeaders;
    const_iterator(const SignedHeaders* list, std::size_t index) : list_(list), index_(index) {}
    const SignedHeaders* list_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = const_iterator;
  using value_type = std::string_view;

  SignedHeaders() = default;
  SignedHeaders(std::initializer_list<std::string_view> names) { assign(names); }
  SignedHeaders(const std::vector<std::string>& names) { assign(names); }  // NOLINT: a list as-is

  /// Replaces the list with `names`, in the order given.
  template <typename Range>
  void assign(const Range& names) {
    clear();
    for (const auto& name : names) push_back(name);
  }
  void clear() {
    line_.clear();
    count_ = 0;
  }
  /// Appends a name. At most kMaxSignedHeaders: std::length_error beyond (no request can carry
  /// more, so only a list built by hand can get there).
  void push_back(std::string_view name) {
    if (count_ == kMaxSignedHeaders) throw std::length_error("more than kMaxSignedHeaders names");
    if (count_ != 0) line_.push_back(';');
    line_.append(name);
    ends_[count_++] = static_cast<std::uint32_t>(line_.size());
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view operator[](std::size_t i) const {
    const std::size_t start = i == 0 ? 0 : ends_[i - 1] + 1;
    return std::string_view(line_.data() + start, ends_[i] - start);
  }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, count_}; }
  /// The names joined with ';': the canonical request's SignedHeaders line.
  std::string_view line() const { return line_; }
  std::vector<std::string> to_vector() const { return {begin(), end()}; }

  friend bool operator==(const SignedHeaders& a, const SignedHeaders& b) {
    return a.line_ == b.line_ && a.count_ == b.count_ &&
           std::equal(a.ends_.begin(), a.ends_.begin() + a.count_, b.ends_.begin());
  }
  friend bool operator==(const SignedHeaders& a, const std::vector<std::string>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  // The parser fills both at once (components.cc).
  friend bool split_signed_headers_into(std::string_view value, SignedHeaders& out);
  std::string line_;
  std::size_t count_ = 0;
  std::array<std::uint32_t, kMaxSignedHeaders> ends_{};  // one past each name's end in line_
};

/// The SigV4 data of one request, from the Authorization header or the presigned query.
struct ParsedSignature {
  std::string access_key_id;
  std::string date;  ///< credential scope date, YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;
  /// Lower-case, sorted, without duplicates; always contains "host".
  SignedHeaders signed_headers;
  std::string signature;  ///< 64 lower-case hex characters
  /// RequestDateTime as it enters the string to sign (YYYYMMDD'T'HHMMSS'Z'), also when the client
  /// sent only an RFC 1123 Date header.
  std::string amz_date;
  core::TimePoint request_time;
  /// X-Amz-Security-Token, whether or not it was signed (spec §5.3).
  std::optional<std::string> session_token;
  bool presigned = false;
  /// X-Amz-Expires, presigned requests only; saturated, so huge values stay huge.
  std::optional<std::int64_t> expires_seconds;

  /// The parser's memory, for parse(request, out) into an object a thread reuses: the
  /// Authorization header this was last parsed from, non-empty only after a successful parse of
  /// the header form whose value ends with the signature. A client sends the same header but
  /// for the signature on every request of a day; when the next one does, the fields above that
  /// came from it are still right and only the signature, time and token are read anew. While it
  /// is non-empty a full parse, too, takes a SignedHeaders value equal to signed_headers.line()
  /// and an X-Amz-Date equal to amz_date as they are (parse.cc). Clear it after changing a field
  /// by hand.
  std::string parsed_authorization;
};

/// ParsedSignatures for one thread to parse into, so that each client's next request finds its
/// header remembered (ParsedSignature::parsed_authorization) even while several clients take
/// turns on the thread: a request goes to the slot its Authorization header's access key picks.
/// Two clients that pick the same slot only make each other parse in full.
class ParsedSignatureSlots {
 public:
  static constexpr std::size_t kSlots = 8;

  /// The ParsedSignature to parse `request` into.
  ParsedSignature& pick(const SignableRequest& request);

 private:
  std::array<ParsedSignature, kSlots> slots_;
};

/// Whether header name `name` (any case) is `lower` (already lower-case). Inline because it runs
/// for every header, against every name SigV4 looks for, on every request; eight bytes at a time
/// (the last word overlapping the one before) once names are that long.
inline bool is_header_named(std::string_view name, std::string_view lower) {
  const std::size_t n = name.size();
  if (n != lower.size()) return false;
  if (n >= 8) {
    const char* a = name.data();
    const char* b = lower.data();
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (swar::to_lower(swar::load(a + i)) != swar::load(b + i)) return false;
    }
    return swar::to_lower(swar::load(a + n - 8)) == swar::load(b + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

/// The value of the first header named `lower_name` (given in lower case), if any.
std::optional<std::string_view> find_header(const SignableRequest& request,
                                            std::string_view lower_name);

/// How many headers are named `lower_name` (given in lower case).
std::size_t count_headers(const SignableRequest& request, std::string_view lower_name);

}  // namespace iamd::auth::sigv4
