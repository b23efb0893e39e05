#include "http/server/server.h"

#include <gtest/gtest.h>

#include <future>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "http/server/prometheus_text_check.h"
#include "http/server/server_test_util.h"

namespace iamd::http {
namespace {

using namespace testing;  // NOLINT: test helpers
using namespace std::chrono_literals;

const std::regex kUuidV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST(HttpServer, GetEcho) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("GET /path/x?Action=ListUsers&a=%20b HTTP/1.1\r\nHost: localhost\r\n"
                       "X-Mixed-Case: One\r\nx-second: two\r\n\r\n");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "GET /path/x?Action=ListUsers&a=%20b\n");
  EXPECT_EQ(header_of(r, "Content-Type"), "text/plain");
  EXPECT_EQ(header_of(r, "Server"), "iamd");
  EXPECT_EQ(header_of(r, "Content-Length"), std::to_string(r.body().size()));

  const Request seen = echo.last_request();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/path/x?Action=ListUsers&a=%20b");
  ASSERT_EQ(seen.headers.size(), 3u);
  EXPECT_EQ(seen.headers[0], (Header{"Host", "localhost"}));
  EXPECT_EQ(seen.headers[1], (Header{"X-Mixed-Case", "One"}));
  EXPECT_EQ(seen.headers[2], (Header{"x-second", "two"}));
  ASSERT_NE(seen.header("x-mixed-case"), nullptr);
  EXPECT_EQ(*seen.header("X-MIXED-CASE"), "One");
  EXPECT_EQ(seen.header("absent"), nullptr);
  EXPECT_EQ(seen.remote_ip, "127.0.0.1");
  EXPECT_NE(seen.remote_port, 0);
  EXPECT_FALSE(seen.tls);
}

TEST(HttpServer, PostBodyEcho) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  const std::string body = "Action=GetUser&UserName=alice&Version=2010-05-08";
  auto r = c.roundtrip("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       "application/x-www-form-urlencoded\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "POST /\n" + body);
}

TEST(HttpServer, ChunkedBodyIsAssembledAndTrailersDropped) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n6\r\n world\r\n0\r\nAuthorization: forged\r\n\r\n");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "POST /c\nhello world");
  EXPECT_EQ(echo.last_request().header("Authorization"), nullptr);
}

TEST(HttpServer, ExpectContinue) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  c.send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto interim = c.read();
  EXPECT_EQ(interim.result_int(), 100);
  auto r = c.roundtrip("data");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "PUT /e\ndata");
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r1 = c.roundtrip("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r2 = c.roundtrip("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(r1.body(), "GET /one\n");
  EXPECT_EQ(r2.body(), "POST /two\nabc");
  EXPECT_TRUE(r1.keep_alive());
  EXPECT_EQ(header_of(r1, "X-Echo-Remote-Port"), header_of(r2, "X-Echo-Remote-Port"));
  EXPECT_EQ(echo.calls.load(), 2);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read().body(), "GET /a\n");
  EXPECT_EQ(c.read().body(), "GET /b\n");
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(header_of(r, "Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, Http10ClosesUnlessKeepAliveAsked) {
  EchoHandler echo;
  Harness h(echo.handler());
  {
    Client c(h.port());
    auto r = c.roundtrip("GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_TRUE(c.closed_by_server());
  }
  Client c(h.port());
  auto r1 = c.roundtrip("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(header_of(r1, "Connection"), "keep-alive");
  auto r2 = c.roundtrip("GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(r2.body(), "GET /2\n");
}

TEST(HttpServer, HeadHasLengthButNoBody) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_head_response();
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(header_of(head, "Content-Length"), "8");  // what GET would have sent: "HEAD /h\n"
  // Had body bytes followed the HEAD response, this parse would fail.
  EXPECT_EQ(c.read().body(), "GET /after\n");
}

TEST(HttpServer, BodyOverLimitIs413AndCloses) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" +
                       std::string(2000, 'x'));
  EXPECT_EQ(r.result_int(), 413);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/xml");
  EXPECT_NE(r.body().find("<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge"
                          "</Code><Message>"),
            std::string::npos) << r.body();
  const std::string id = header_of(r, "x-amzn-RequestId");
  EXPECT_TRUE(std::regex_match(id, kUuidV4)) << id;
  EXPECT_NE(r.body().find("<RequestId>" + id + "</RequestId></ErrorResponse>"), std::string::npos);
  EXPECT_EQ(header_of(r, "Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServer, ChunkedBodyOverLimitIs413) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  std::string req = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) req += "190\r\n" + std::string(400, 'y') + "\r\n";
  req += "0\r\n\r\n";
  EXPECT_EQ(c.roundtrip(req).result_int(), 413);
}

TEST(HttpServer, HeaderOverLimitIs431) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'h') +
                       "\r\n\r\n");
  EXPECT_EQ(r.result_int(), 431);
  EXPECT_NE(r.body().find("<Code>RequestHeaderFieldsTooLarge</Code>"), std::string::npos);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, MalformedRequestLineIs400) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto r = c.roundtrip("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_NE(r.body().find("<Type>Sender</Type><Code>BadRequest</Code>"), std::string::npos);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, HandlerExceptionIs500AndServingContinues) {
  Harness h([](Request& req) -> Response {
    if (req.target == "/throw") throw std::runtime_error("boom");
    Response res;
    res.body = "fine";
    return res;
  });
  Client c(h.port());
  auto r = c.roundtrip("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.result_int(), 500);
  EXPECT_NE(r.body().find("<Type>Receiver</Type><Code>InternalFailure</Code>"), std::string::npos);
  // The same connection and new ones keep working.
  EXPECT_EQ(c.roundtrip("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").body(), "fine");
  Client c2(h.port());
  EXPECT_EQ(c2.roundtrip("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").body(), "fine");
}

TEST(HttpServer, RequestIdAndDateHeaders) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  auto generated = c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(std::regex_match(header_of(generated, "x-amzn-RequestId"), kUuidV4));
  auto given = c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\nx-want-request-id: abc-123\r\n\r\n");
  EXPECT_EQ(header_of(given, "x-amzn-RequestId"), "abc-123");
  // RFC 7231 IMF-fixdate.
  const std::regex imf("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
                       "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
                       "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT");
  EXPECT_TRUE(std::regex_match(header_of(given, "Date"), imf)) << header_of(given, "Date");
}

TEST(HttpServer, HandlerHeadersCannotBreakFraming) {
  Harness h([](Request&) {
    Response res;
    res.body = "12345";
    res.headers = {{"Content-Length", "999"}, {"X-Injected", "a\r\nSet-Cookie: x=y"},
                   {"X-Fine", "yes"}};
    return res;
  });
  Client c(h.port());
  auto r = c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.body(), "12345");
  EXPECT_EQ(header_of(r, "X-Fine"), "yes");
  EXPECT_EQ(header_of(r, "X-Injected"), "");
  EXPECT_EQ(header_of(r, "Set-Cookie"), "");
}

TEST(HttpServer, StopDeliversInFlightResponse) {
  std::promise<void> entered;
  Harness h([&entered](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);
    Response res;
    res.body = "slow but delivered";
    return res;
  });
  Client c(h.port());
  c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  entered.get_future().wait();
  std::future<std::chrono::milliseconds> stopped =
      std::async(std::launch::async, [&h] { return h.stop_and_join(); });
  auto r = c.read();
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "slow but delivered");
  EXPECT_EQ(header_of(r, "Connection"), "close");  // draining: no keep-alive
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(stopped.get(), 3000ms);
}

TEST(HttpServer, StopClosesIdleKeepAliveConnectionsPromptly) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  EXPECT_EQ(c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
  EXPECT_LT(h.stop_and_join(), 1000ms);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, IdleConnectionsTimeOut) {
  EchoHandler echo;
  auto options = Harness::test_options();
  options.idle_timeout = 100ms;
  options.read_timeout = 100ms;
  Harness h(echo.handler(), options);
  Client idle(h.port());
  Client slowloris(h.port());
  slowloris.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its header
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(slowloris.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // the sweep runs once a second
}

TEST(HttpServer, ConnectionLimitPausesAccepting) {
  EchoHandler echo;
  auto options = Harness::test_options();
  options.threads = 1;
  options.max_connections_per_thread = 1;
  Harness h(echo.handler(), options);
  auto first = std::make_unique<Client>(h.port());
  EXPECT_EQ(first->roundtrip("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
  // The second connection waits in the kernel's backlog, unserved, until the first closes.
  Client second(h.port());
  second.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto answer = std::async(std::launch::async, [&second] { return second.read(); });
  EXPECT_EQ(answer.wait_for(300ms), std::future_status::timeout);
  first.reset();
  EXPECT_EQ(answer.get().body(), "GET /2\n");
}

TEST(HttpServer, MetricsCountRequests) {
  EchoHandler echo;
  Harness h(echo.handler());
  Client c(h.port());
  c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  c.roundtrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  Client bad(h.port());
  bad.roundtrip("BAD\r\n\r\n");
  // A response is recorded once its write completes, which may be just after the client has
  // read it: wait a little for the last one.
  const std::string want_400 =
      "iamd_http_requests_total{service=\"-\",action=\"-\",status=\"400\"} 1\n";
  const std::string want_200 =
      "iamd_http_requests_total{service=\"test\",action=\"Echo\",status=\"200\"} 2\n";
  std::string text = h.server().metrics().render_prometheus();
  for (int i = 0; i < 200 && (text.find(want_400) == std::string::npos ||
                              text.find(want_200) == std::string::npos);
       ++i) {
    std::this_thread::sleep_for(10ms);
    text = h.server().metrics().render_prometheus();
  }
  EXPECT_EQ(testing::first_invalid_prometheus_line(text), "") << text;
  EXPECT_NE(text.find(want_400), std::string::npos) << text;
  EXPECT_NE(text.find(want_200), std::string::npos) << text;
  EXPECT_NE(text.find("iamd_http_request_duration_seconds_count{service=\"test\",action=\"Echo\"} 2\n"),
            std::string::npos) << text;
}

TEST(HttpServer, AccessLogOmitsQueryAndSecrets) {
  auto out = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
  auto previous = spdlog::get("access");
  spdlog::drop("access");
  auto logger = std::make_shared<spdlog::logger>("access", sink);
  logger->set_pattern("%v");
  spdlog::register_logger(logger);
  {
    EchoHandler echo;
    Harness h(echo.handler());
    Client c(h.port());
    c.roundtrip("GET /p?X-Amz-Signature=s3cr3t HTTP/1.1\r\nHost: x\r\n"
                "Authorization: AWS4-HMAC-SHA256 topsecret\r\nx-want-request-id: rid-1\r\n\r\n");
    h.stop_and_join();
  }
  spdlog::drop("access");
  if (previous) spdlog::register_logger(previous);
  const std::string line = out->str();
  EXPECT_NE(line.find("127.0.0.1 \"GET /p\" 200 "), std::string::npos) << line;
  EXPECT_NE(line.find(" test Echo rid-1"), std::string::npos) << line;
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  EXPECT_EQ(line.find("topsecret"), std::string::npos) << line;
}

TEST(HttpServer, BindFailureThrows) {
  Server first(Harness::test_options(), [](Request&) { return Response{}; });
  auto options = Harness::test_options();
  options.host = "203.0.113.7";  // TEST-NET-3: not an address of this machine
  EXPECT_THROW(Server(options, [](Request&) { return Response{}; }), std::runtime_error);
}

}  // namespace
}  // namespace iamd::http
