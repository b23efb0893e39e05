// libFuzzer target for SigV4: every stage on arbitrary requests, which must never crash, hang or
// read out of bounds, whatever parse() makes of them.
//
// Input layout (seeds stay readable): line 1 the method, line 2 the raw target, then one
// "Name:value" header per line up to an empty line, then the body. A line starting with a space
// or tab continues the previous header's value, as an obs-fold would.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/sigv4/query.h"
#include "auth/sigv4/verify.h"
#include "core/time_format.h"

namespace {

using namespace iamd::auth::sigv4;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::size_t kMaxHeaders = 512;

std::string_view next_line(std::string_view& in) {
  const std::size_t nl = in.find('\n');
  const std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return line;
}

SignableRequest split_input(std::string_view in) {
  SignableRequest request;
  request.method = next_line(in);
  request.target = next_line(in);
  while (!in.empty() && request.headers.size() < kMaxHeaders) {
    const char* line_start = in.data();
    const std::string_view line = next_line(in);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !request.headers.empty()) {
      // The folded value is contiguous in the input: widen the previous view over it.
      auto& value = request.headers.back().second;
      value = std::string_view(value.data(),
                               static_cast<std::size_t>(line_start + line.size() - value.data()));
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  request.body = in;
  return request;
}

// The stages on their own, so they are exercised even when parse() refuses the request.
void run_stages(const SignableRequest& request) {
  const RequestTarget target = split_target(request.target);
  (void)canonical_uri(target.path, PathNormalization::Rfc3986);
  (void)canonical_uri(target.path, PathNormalization::None);
  (void)canonical_query_string(target.query);
  for (const auto& header : request.headers) (void)trimall(header.second);
  (void)hashed_payload(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static SigningKeyCache cache(64);
  static const iamd::core::TimePoint kNow = *iamd::core::parse_amz_date("20150830T123600Z");

  const SignableRequest request =
      split_input(std::string_view(reinterpret_cast<const char*>(data), size));
  run_stages(request);

  // The server's path too: parse into a ParsedSignature reused across inputs (which remembers
  // the last header it parsed, ParsedSignature::parsed_authorization), the credential's own key
  // slots. It must agree with a fresh parse on every input.
  static ParsedSignature reused;
  static SigningKeySlots slots;
  const bool reused_ok = parse(request, reused).has_value();

  auto parsed = parse(request);
  if (reused_ok != parsed.has_value()) __builtin_trap();
  if (!parsed) return 0;
  if (reused.signed_headers != parsed->signed_headers || reused.signature != parsed->signature ||
      reused.access_key_id != parsed->access_key_id || reused.date != parsed->date ||
      reused.region != parsed->region || reused.service != parsed->service ||
      reused.terminator != parsed->terminator || reused.amz_date != parsed->amz_date ||
      reused.request_time != parsed->request_time ||
      reused.session_token != parsed->session_token || reused.presigned != parsed->presigned ||
      reused.expires_seconds != parsed->expires_seconds) {
    __builtin_trap();
  }
  (void)check_scope_and_time(*parsed, "", kNow);
  (void)check_scope_and_time(*parsed, "iam", parsed->request_time);
  (void)canonical_request(request, *parsed);
  const bool shared_ok = verify(request, *parsed, kSecret, cache).has_value();
  if (verify(request, reused, kSecret, slots).has_value() != shared_ok) __builtin_trap();
  (void)verify(request, *parsed, kSecret, cache, PathNormalization::None);
  return 0;
}
