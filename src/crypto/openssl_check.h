#pragma once
// Internal to crypto/: what to do when OpenSSL itself fails.
//
// SHA-256, HMAC and RAND_bytes fail only when memory runs out or the library is broken, never
// because of their input. Carrying on would mean signing with garbage or handing out predictable
// "random" bytes, so such a failure is a CHECK (abort), not an error value.

namespace iamd::crypto::detail {

/// Logs OpenSSL's error queue with `what` to stderr and aborts.
[[noreturn]] void fail_openssl(const char* what);

/// Aborts through fail_openssl unless `ok` (an OpenSSL return value) is 1.
inline void check_openssl(int ok, const char* what) {
  if (ok != 1) fail_openssl(what);
}

}  // namespace iamd::crypto::detail
