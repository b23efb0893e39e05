#include "auth/sigv4/string_to_sign.h"

#include <cstring>

#include "auth/sigv4/swar.h"
#include "auth/sigv4/text.h"
#include "crypto/sha256.h"

namespace iamd::auth::sigv4 {

namespace {

void append_scope(std::string& out, const ParsedSignature& signature) {
  out += signature.date;
  out.push_back('/');
  out += signature.region;
  out.push_back('/');
  out += signature.service;
  out.push_back('/');
  out += signature.terminator;
}

}  // namespace

std::string credential_scope(const ParsedSignature& signature) {
  std::string out;
  append_scope(out, signature);
  return out;
}

void append_string_to_sign(std::string& out, const ParsedSignature& signature,
                           const crypto::Sha256Digest& canonical_request_hash) {
  // Sized once and written in place: nine pieces, the hash as hex without a temporary.
  const std::string_view pieces[] = {kAlgorithm,        "\n", signature.amz_date,   "\n",
                                     signature.date,    "/",  signature.region,     "/",
                                     signature.service, "/",  signature.terminator, "\n"};
  std::size_t size = 2 * crypto::kSha256Bytes;
#pragma GCC unroll 1  // small code: see text.h
  for (std::string_view piece : pieces) size += piece.size();
  char* p = extend(out, size);
#pragma GCC unroll 1
  for (std::string_view piece : pieces) p = copy_text(p, piece);
  write_hex(p, canonical_request_hash.data(), canonical_request_hash.size());
}

std::string string_to_sign(const ParsedSignature& signature, std::string_view canonical_request) {
  std::string out;
  append_string_to_sign(out, signature, crypto::sha256(canonical_request));
  return out;
}

}  // namespace iamd::auth::sigv4
