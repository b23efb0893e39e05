// DecodeAuthorizationMessage (spec/sts-federation.md §2.8) and the sealed message format.
#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/bytes.h"
#include "sts/authorization_message.h"
#include "sts/common.h"
#include "sts/service.h"

namespace iamd::sts {
namespace {

constexpr std::string_view kMagic = "IAMDAM";
constexpr std::uint8_t kVersion = 1;
constexpr size_t kHeaderBytes = 6 + 1 + 4;

core::Error invalid_message() {
  return core::Error{core::ErrorCode::InvalidAuthorizationMessage,
                     "The encoded authorization message is invalid or has expired."};
}

std::string header(std::uint32_t key_id) {
  std::string h(kMagic);
  h.push_back(static_cast<char>(kVersion));
  for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<char>((key_id >> s) & 0xff));
  return h;
}

std::int64_t millis(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string encode_authorization_message(std::string_view decoded_json, core::TimePoint expires,
                                         const auth::Keyring& keyring, core::Random& random) {
  std::string aad = header(keyring.active_id());
  std::string payload;
  auto ms = static_cast<std::uint64_t>(millis(expires));
  for (int s = 56; s >= 0; s -= 8) payload.push_back(static_cast<char>((ms >> s) & 0xff));
  payload.append(decoded_json);
  auto sealed = crypto::aes256_gcm_seal(crypto::Aes256GcmKey(*keyring.find(keyring.active_id())),
                                        crypto::as_bytes(payload), crypto::as_bytes(aad), random);
  std::string raw = aad;
  raw.append(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  return crypto::base64_encode(raw);
}

core::Result<std::string> decode_authorization_message(std::string_view encoded,
                                                       const auth::Keyring& keyring,
                                                       core::TimePoint now) {
  auto raw = crypto::base64_decode(encoded);
  if (!raw || raw->size() < kHeaderBytes + crypto::kAes256GcmOverheadBytes + 8) {
    return invalid_message();
  }
  std::string_view bytes = *raw;
  if (bytes.substr(0, kMagic.size()) != kMagic ||
      static_cast<std::uint8_t>(bytes[kMagic.size()]) != kVersion) {
    return invalid_message();
  }
  std::uint32_t key_id = 0;
  for (size_t i = kMagic.size() + 1; i < kHeaderBytes; ++i) {
    key_id = key_id << 8 | static_cast<std::uint8_t>(bytes[i]);
  }
  const auth::Keyring::Key* key = keyring.find(key_id);
  if (key == nullptr) return invalid_message();
  auto plain = crypto::aes256_gcm_open(crypto::Aes256GcmKey(*key),
                                       crypto::as_bytes(bytes.substr(kHeaderBytes)),
                                       crypto::as_bytes(bytes.substr(0, kHeaderBytes)));
  if (!plain || plain->size() < 8) return invalid_message();
  std::uint64_t ms = 0;
  for (size_t i = 0; i < 8; ++i) ms = ms << 8 | (*plain)[i];
  if (static_cast<std::int64_t>(ms) <= millis(now)) return invalid_message();
  return std::string(reinterpret_cast<const char*>(plain->data()) + 8, plain->size() - 8);
}

core::Result<api::Output> Service::decode_authorization_message(const api::Context& ctx,
                                                                api::Input& in) {
  const std::string encoded = in.required_string("EncodedMessage", rules::kEncodedMessage);
  IAMD_TRY(in.finish());
  IAMD_TRY(check_session_may_call(ctx.caller, "sts:DecodeAuthorizationMessage"));
  authz::Decision d = d_.view.authorize(ctx, authz::Request{"sts:DecodeAuthorizationMessage", ""});
  if (!d.allowed) return core::Error{core::ErrorCode::AccessDenied, std::move(d.message)};
  auto decoded = sts::decode_authorization_message(encoded, *d_.view.keyring(), ctx.now);
  IAMD_TRY(decoded);
  api::Output out;
  out.result.add_string("DecodedMessage", std::move(*decoded));
  return out;
}

}  // namespace iamd::sts
