// HTTPS: a throwaway self-signed certificate made with OpenSSL, then real TLS round trips.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "http/server/server.h"
#include "http/server/server_test_util.h"

namespace iamd::http {
namespace {

using namespace testing;  // NOLINT: test helpers
using namespace std::chrono_literals;

struct TempCert {
  std::filesystem::path cert;
  std::filesystem::path key;
  ~TempCert() {
    std::error_code ec;
    std::filesystem::remove(cert, ec);
    std::filesystem::remove(key, ec);
  }
};

/// A throwaway self-signed P-256 certificate for CN=localhost, written as PEM files.
std::unique_ptr<TempCert> make_self_signed_cert() {
  auto files = std::make_unique<TempCert>();
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = "iamd-http-test-" + std::to_string(::getpid());
  files->cert = dir / (stem + "-cert.pem");
  files->key = dir / (stem + "-key.pem");

  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  X509* x509 = X509_new();
  if (pkey == nullptr || x509 == nullptr) return nullptr;
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -60);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, pkey);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  bool ok = X509_sign(x509, pkey, EVP_sha256()) > 0;

  if (FILE* f = std::fopen(files->cert.c_str(), "w")) {
    ok = ok && PEM_write_X509(f, x509) == 1;
    std::fclose(f);
  } else {
    ok = false;
  }
  if (FILE* f = std::fopen(files->key.c_str(), "w")) {
    ok = ok && PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    std::fclose(f);
  } else {
    ok = false;
  }
  X509_free(x509);
  EVP_PKEY_free(pkey);
  return ok ? std::move(files) : nullptr;
}

TEST(HttpServer, ServesHttps) {
  auto cert = make_self_signed_cert();
  ASSERT_NE(cert, nullptr);
  EchoHandler echo;
  auto options = Harness::test_options();
  options.tls_cert_file = cert->cert.string();
  options.tls_key_file = cert->key.string();
  Harness h(echo.handler(), options);

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);  // self-signed; the test is about the server
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port()));
  beast::get_lowest_layer(stream).expires_after(5s);
  beast::error_code ec;
  stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
  run_client(ioc);
  ASSERT_FALSE(ec) << ec.message();

  for (const char* target : {"/tls1", "/tls2"}) {  // keep-alive over TLS too
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, target, 11);
    req.set(bhttp::field::host, "localhost");
    bhttp::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run_client(ioc);
    ASSERT_FALSE(ec) << ec.message();
    beast::flat_buffer buffer;
    RawResponse res;
    bhttp::async_read(stream, buffer, res, [&](beast::error_code e, std::size_t) { ec = e; });
    run_client(ioc);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), std::string("GET ") + target + "\n");
  }
  EXPECT_TRUE(echo.last_request().tls);

  // Plain HTTP to the HTTPS port gets nowhere.
  Client plain(h.port());
  plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THROW(plain.read(), beast::system_error);
}

TEST(HttpServer, TlsLoadFailuresThrowClearly) {
  auto options = Harness::test_options();
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  try {
    Server s(options, [](Request&) { return Response{}; });
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
  }
  options.tls_key_file.clear();
  EXPECT_THROW(Server(options, [](Request&) { return Response{}; }), std::runtime_error);
}

}  // namespace
}  // namespace iamd::http
