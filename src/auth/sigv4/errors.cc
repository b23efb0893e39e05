#include "auth/sigv4/errors.h"

namespace iamd::auth::sigv4 {

core::Error signature_does_not_match() {
  return {core::ErrorCode::SignatureDoesNotMatch, std::string(kSignatureDoesNotMatchMessage)};
}

core::Error signature_does_not_match(std::string message) {
  return {core::ErrorCode::SignatureDoesNotMatch, std::move(message)};
}

core::Error incomplete_signature(std::string message) {
  return {core::ErrorCode::IncompleteSignature, std::move(message)};
}

std::string echo(std::string_view text) {
  constexpr std::size_t kEchoBytes = 512;
  const bool cut = text.size() > kEchoBytes;
  std::string out(cut ? text.substr(0, kEchoBytes) : text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  if (cut) out += "...";
  return out;
}

}  // namespace iamd::auth::sigv4
