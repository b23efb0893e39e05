#pragma once
// Test-only helpers for sigv4_test: the test suite's raw-request format, file access, and a
// client-side signer so tests can build signed requests of any shape.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/verify.h"
#include "core/clock.h"

namespace iamd::auth::sigv4::testing {

inline constexpr std::string_view kExampleAccessKeyId = "AKIDEXAMPLE";
inline constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A request that owns its bytes; view() is what the verifier sees.
struct RawRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  SignableRequest view() const;
  /// Replaces the value of the first header named `name` (any case), or appends it.
  void set_header(std::string_view name, std::string value);
};

/// Reads the suite's format: "METHOD target HTTP/1.1", "Name:value" lines (a line starting with
/// a space or tab continues the previous value, kept with its line break as an obs-fold server
/// would pass it on), an empty line, then the body. nullopt if the request line is malformed.
std::optional<RawRequest> parse_raw_request(std::string_view text);

/// The whole file, or "" if it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// $IAMD_SOURCE_DIR/tests/vectors/sigv4, or the same place relative to this source file.
std::filesystem::path vectors_dir();

/// "20150830T123600Z" as a TimePoint; aborts the test binary on a typo.
core::TimePoint at(std::string_view amz_date);

/// What a client chooses when it signs.
struct ClientSigning {
  std::string access_key_id{kExampleAccessKeyId};
  std::string secret{kExampleSecret};
  std::string region = "us-east-1";
  std::string service = "iam";
  std::string amz_date = "20150830T123600Z";
  std::vector<std::string> signed_headers;  ///< lower-case, sorted
};

/// Signs `request` as a client would and adds the Authorization header.
void sign_with_header(RawRequest& request, const ClientSigning& client);

}  // namespace iamd::auth::sigv4::testing
