#pragma once
// Test helpers for the HTTP server tests: a Server on a free loopback port in a background
// thread, a raw Beast client with timeouts, and an echoing Handler.

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "http/server/server.h"

namespace iamd::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using RawResponse = bhttp::response<bhttp::string_body>;

// Keep the test output readable: access lines off unless a test installs its own logger.
inline const bool kQuietAccessLog = [] {
  auto logger = std::make_shared<spdlog::logger>("access");
  logger->set_level(spdlog::level::off);
  spdlog::register_logger(logger);
  return true;
}();

/// Runs a Server on 127.0.0.1:<free port> in a background thread.
class Harness {
 public:
  explicit Harness(Handler handler, ServerOptions options = test_options())
      : server_(std::move(options), std::move(handler)), thread_([this] { server_.run(); }) {}
  ~Harness() { stop_and_join(); }

  static ServerOptions test_options() {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.max_header_bytes = 4096;
    o.max_body_bytes = 1000;
    return o;
  }

  /// Stops the server and waits for run() to return; the time that took.
  std::chrono::milliseconds stop_and_join() {
    const auto start = std::chrono::steady_clock::now();
    server_.stop();
    if (thread_.joinable()) thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
  }
  Server& server() { return server_; }
  std::uint16_t port() const { return server_.port(); }

 private:
  Server server_;
  std::thread thread_;
};

/// Runs the pending asynchronous operation of a client; its operations time out after 5 s, so a
/// broken server fails the test instead of hanging it.
inline void run_client(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view raw) {
    asio::write(stream_.socket(), asio::buffer(raw.data(), raw.size()));
  }
  RawResponse read() {
    RawResponse res;
    beast::error_code ec;
    stream_.expires_after(5s);
    bhttp::async_read(stream_, buffer_, res, [&](beast::error_code e, std::size_t) { ec = e; });
    run_client(ioc_);
    if (ec) throw beast::system_error(ec);
    return res;
  }
  /// Reads a response to HEAD: Content-Length describes a body that is not there.
  RawResponse read_head_response() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    beast::error_code ec;
    stream_.expires_after(5s);
    bhttp::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run_client(ioc_);
    if (ec) throw beast::system_error(ec);
    return parser.release();
  }
  RawResponse roundtrip(std::string_view raw) {
    send(raw);
    return read();
  }
  /// True when the server has closed the connection (EOF without more data).
  bool closed_by_server() {
    beast::error_code ec;
    stream_.expires_after(5s);
    char byte;
    stream_.async_read_some(asio::buffer(&byte, 1),
                            [&](beast::error_code e, std::size_t) { ec = e; });
    run_client(ioc_);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline std::string header_of(const RawResponse& r, std::string_view name) {
  auto it = r.find(beast::string_view(name.data(), name.size()));
  return it == r.end() ? std::string() : std::string(it->value());
}

/// Echoes what it was given, and remembers the last request.
struct EchoHandler {
  std::mutex mutex;
  Request last;
  std::atomic<int> calls{0};

  Handler handler() {
    return [this](Request& req) {
      ++calls;
      {
        std::lock_guard lock(mutex);
        last = req;
      }
      Response res;
      res.content_type = "text/plain";
      res.body = req.method + " " + req.target + "\n" + req.body;
      res.service = "test";
      res.action = "Echo";
      if (const std::string* id = req.header("x-want-request-id")) res.request_id = *id;
      res.headers.emplace_back("X-Echo-Remote-Port", std::to_string(req.remote_port));
      return res;
    };
  }
  Request last_request() {
    std::lock_guard lock(mutex);
    return last;
  }
};


}  // namespace iamd::http::testing
