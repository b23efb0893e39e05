#include "auth/sigv4/string_to_sign.h"

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
  out.reserve(out.size() + kAlgorithm.size() + signature.amz_date.size() + signature.date.size() +
              signature.region.size() + signature.service.size() + signature.terminator.size() +
              2 * crypto::kSha256Bytes + 6);
  out += kAlgorithm;
  out.push_back('\n');
  out += signature.amz_date;
  out.push_back('\n');
  append_scope(out, signature);
  out.push_back('\n');
  crypto::append_hex(out, canonical_request_hash);
}

std::string string_to_sign(const ParsedSignature& signature, std::string_view canonical_request) {
  std::string out;
  append_string_to_sign(out, signature, crypto::sha256(canonical_request));
  return out;
}

}  // namespace iamd::auth::sigv4
