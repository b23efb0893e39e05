#pragma once
// Errors as values: an AWS error code from the one table plus a client-facing message.

#include <string>
#include <string_view>

namespace iamd::core {

enum class Fault { Sender, Receiver };

enum class ErrorCode {
#define X(name, wire, status, fault) name,
#include "core/error_codes.def"
#undef X
};

/// The code as AWS writes it on the wire ("NoSuchEntity").
std::string_view wire_code(ErrorCode code);
/// The HTTP status AWS answers with for this code.
int http_status(ErrorCode code);
/// Sender (the client's fault, 4xx) or Receiver (ours, 5xx).
Fault fault(ErrorCode code);

/// An error a client sees. The message uses AWS's wording; it never holds a secret.
struct Error {
  ErrorCode code;
  std::string message;

  bool operator==(const Error&) const = default;
};

}  // namespace iamd::core
