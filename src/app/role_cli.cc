#include "app/role_cli.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>

#include "auth/sigv4/signing_key.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "crypto/bytes.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace iamd::app {
namespace {

struct Credentials {
  std::string key_id;
  std::string secret;
  std::string token;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::optional<Credentials> find_credentials(const std::string& data_dir) {
  if (!env("AWS_ACCESS_KEY_ID").empty() && !env("AWS_SECRET_ACCESS_KEY").empty()) {
    return Credentials{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                       env("AWS_SESSION_TOKEN")};
  }
  if (!env("IAMD_ROOT_ACCESS_KEY_ID").empty() && !env("IAMD_ROOT_SECRET_ACCESS_KEY").empty()) {
    return Credentials{env("IAMD_ROOT_ACCESS_KEY_ID"), env("IAMD_ROOT_SECRET_ACCESS_KEY"), ""};
  }
  std::ifstream in(data_dir + "/root-credentials");
  if (!in) return std::nullopt;
  Credentials c;
  std::string line, section;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.starts_with("[")) {
      section = line;
      continue;
    }
    if (section != "[default]") continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = trim(line.substr(0, eq)), v = trim(line.substr(eq + 1));
    if (k == "aws_access_key_id") c.key_id = v;
    if (k == "aws_secret_access_key") c.secret = v;
    if (k == "aws_session_token") c.token = v;
  }
  if (c.key_id.empty() || c.secret.empty()) return std::nullopt;
  return c;
}

struct Endpoint {
  std::string host;
  std::string port;
};

std::optional<Endpoint> parse_endpoint(const std::string& url) {
  static const std::regex kUrl(R"(^http://(\[[^\]]+\]|[^:/]+)(?::(\d+))?/?$)");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) return std::nullopt;
  return Endpoint{m[1].str(), m[2].matched ? m[2].str() : "80"};
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body;
  for (const auto& [k, v] : params) {
    if (!body.empty()) body += '&';
    body += core::uri_encode(k) + '=' + core::uri_encode(v);
  }
  return body;
}

struct HttpResult {
  int status = 0;
  std::string body;
};

// One SigV4-signed form POST (the Authorization-header form botocore sends).
HttpResult signed_post(const Endpoint& ep, const Credentials& creds, const std::string& service,
                       const std::string& body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace asio = boost::asio;
  const std::string host_header = ep.port == "80" ? ep.host : ep.host + ":" + ep.port;
  const std::string amz_date = core::format_amz_date(core::SystemClock().now());
  const std::string date = amz_date.substr(0, 8);
  const std::string region = "us-east-1";
  const std::string content_type = "application/x-www-form-urlencoded; charset=utf-8";
  std::map<std::string, std::string> headers{
      {"content-type", content_type}, {"host", host_header}, {"x-amz-date", amz_date}};
  if (!creds.token.empty()) headers["x-amz-security-token"] = creds.token;
  std::string canonical_headers, signed_headers;
  for (const auto& [k, v] : headers) {
    canonical_headers += k + ':' + v + '\n';
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += k;
  }
  const std::string canonical = "POST\n/\n\n" + canonical_headers + "\n" + signed_headers + "\n" +
                                crypto::sha256_hex(body);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + crypto::sha256_hex(canonical);
  auto key = auth::sigv4::derive_signing_key(creds.secret, date, region, service);
  auto sig = crypto::hmac_sha256(crypto::Bytes(key.data(), key.size()), to_sign);
  const std::string authorization = "AWS4-HMAC-SHA256 Credential=" + creds.key_id + "/" + scope +
                                    ", SignedHeaders=" + signed_headers + ", Signature=" +
                                    crypto::to_hex(crypto::Bytes(sig.data(), sig.size()));

  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  std::string host = ep.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, ep.port));
  http::request<http::string_body> req{http::verb::post, "/", 11};
  for (const auto& [k, v] : headers) req.set(k, v);
  req.set(http::field::authorization, authorization);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return HttpResult{static_cast<int>(res.result_int()), res.body()};
}

std::string xml_text(const std::string& xml, const std::string& element) {
  size_t b = xml.find("<" + element + ">");
  if (b == std::string::npos) return {};
  b += element.size() + 2;
  size_t e = xml.find("</" + element + ">", b);
  return e == std::string::npos ? std::string() : xml.substr(b, e - b);
}

}  // namespace

std::string revoke_older_sessions_policy(const std::string& iso8601_now) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],)"
         R"("Condition":{"DateLessThan":{"aws:TokenIssueTime":")" +
         iso8601_now + R"("}}}]})";
}

int revoke_role_sessions(const RevokeSessionsOptions& o) {
  auto creds = find_credentials(o.data_dir);
  if (!creds) {
    std::fprintf(stderr,
                 "iamd: no credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or "
                 "IAMD_ROOT_ACCESS_KEY_ID/IAMD_ROOT_SECRET_ACCESS_KEY, or keep %s/root-credentials\n",
                 o.data_dir.c_str());
    return 1;
  }
  auto ep = parse_endpoint(o.endpoint);
  if (!ep) {
    std::fprintf(stderr, "iamd: --endpoint must be http://HOST[:PORT], got '%s'\n",
                 o.endpoint.c_str());
    return 1;
  }
  try {
    if (!o.account.empty()) {
      auto who = signed_post(*ep, *creds, "sts",
                             form_encode({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}));
      if (who.status != 200) {
        std::fprintf(stderr, "iamd: GetCallerIdentity failed (%d): %s\n", who.status,
                     xml_text(who.body, "Message").c_str());
        return 1;
      }
      std::string account = xml_text(who.body, "Account");
      if (account != o.account) {
        std::fprintf(stderr, "iamd: the credentials belong to account %s, not %s\n",
                     account.c_str(), o.account.c_str());
        return 1;
      }
    }
    // The cut-off is the next whole second: aws:TokenIssueTime has one-second precision, so
    // every session issued until now compares earlier.
    const std::string now =
        core::format_iso8601(core::SystemClock().now() + std::chrono::seconds(1));
    auto put = signed_post(*ep, *creds, "iam",
                           form_encode({{"Action", "PutRolePolicy"},
                                        {"Version", "2010-05-08"},
                                        {"RoleName", o.role_name},
                                        {"PolicyName", "AWSRevokeOlderSessions"},
                                        {"PolicyDocument", revoke_older_sessions_policy(now)}}));
    if (put.status != 200) {
      std::fprintf(stderr, "iamd: PutRolePolicy failed (%d %s): %s\n", put.status,
                   xml_text(put.body, "Code").c_str(), xml_text(put.body, "Message").c_str());
      return 1;
    }
    std::printf("revoked the sessions of role %s issued before %s\n", o.role_name.c_str(),
                now.c_str());
    return 0;
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "iamd: cannot reach %s: %s\n", o.endpoint.c_str(),
                 e.code().message().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iamd: cannot reach %s: %s\n", o.endpoint.c_str(), e.what());
    return 1;
  }
}

}  // namespace iamd::app
