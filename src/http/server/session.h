#pragma once
// One HTTP/1.1 connection, over plain TCP or TLS. It reads with its own loop so that it knows
// exactly when a request has started (timeouts), can answer "Expect: 100-continue", and can
// feed bytes already buffered (pipelining) to the next parser without another read.
//
// Timeouts cost nothing per request: the connection records a deadline and its worker's
// once-a-second sweep closes connections past theirs.

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include "http/server/request_parser.h"
#include "http/server/wire.h"
#include "http/server/worker.h"

namespace iamd::http::detail {

using PlainStream = boost::asio::ip::tcp::socket;
using TlsStream = boost::beast::ssl_stream<boost::asio::ip::tcp::socket>;

template <class Stream>
class Session final : public ConnectionBase,
                      public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  // Buffers grown past these by one big request are released rather than kept per connection.
  static constexpr std::size_t kKeepCapacity = 64 * 1024;
  // After an error response to a request we did not read whole, discard what the client still
  // sends (the body we refused, say) for a while: closing with unread data makes the kernel
  // send RST, which can destroy our response before the client reads it.
  static constexpr auto kLingerTime = std::chrono::seconds(2);
  static constexpr std::size_t kLingerBytes = 1024 * 1024;

 public:
  Session(Worker& worker, boost::asio::ip::tcp::socket socket)
      : ConnectionBase(worker),
        stream_(make_stream(std::move(socket), worker.shared.tls.get())) {}

  void start() {
    auto& sock = socket();
    boost::system::error_code ec;
    sock.set_option(boost::asio::ip::tcp::no_delay(true), ec);
    const auto remote = sock.remote_endpoint(ec);
    if (ec) return close_now();  // already gone
    auto address = remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    }
    req_.remote_ip = address.to_string();
    req_.remote_port = remote.port();
    req_.tls = kTls;

    const auto now = SteadyClock::now();
    if constexpr (kTls) {
      phase_ = Phase::Handshake;
      deadline_ = now + options().read_timeout;
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::system::error_code ec) {
                                if (ec) return self->close_now();
                                self->begin_request(SteadyClock::now());
                              });
    } else {
      begin_request(now);
    }
  }

 private:
  enum class Phase { Handshake, Idle, Reading, Handling, Writing, Closing };
  static constexpr auto kUnset = SteadyClock::time_point::max();

  static Stream make_stream(boost::asio::ip::tcp::socket socket,
                            boost::asio::ssl::context* tls) {
    if constexpr (kTls) return Stream(std::move(socket), *tls);
    else return socket;
  }

  const ServerOptions& options() const { return worker_.shared.options; }
  boost::asio::ip::tcp::socket& socket() { return boost::beast::get_lowest_layer(stream_); }

  // --- reading -----------------------------------------------------------------------------

  /// Starts a request: a fresh parser over the reused Request; `now` starts the idle timeout.
  void begin_request(SteadyClock::time_point now) {
    if (req_.body.capacity() > kKeepCapacity) std::string().swap(req_.body);
    if (buffer_.size() == 0 && buffer_.capacity() > kKeepCapacity) buffer_.shrink_to_fit();
    parser_.emplace(req_, options().max_header_bytes, options().max_body_bytes);
    continue_sent_ = false;
    if (buffer_.size() == 0) {
      phase_ = Phase::Idle;
      deadline_ = now + options().idle_timeout;
    } else {  // pipelined: the next request has already begun
      phase_ = Phase::Reading;
      deadline_ = kUnset;
      if (parse_buffered()) return;
    }
    do_read();
  }

  void do_read() {
    const std::size_t room = buffer_.capacity() - buffer_.size();
    const std::size_t want = std::min<std::size_t>(std::max<std::size_t>(room, 1024), 65536);
    stream_.async_read_some(buffer_.prepare(want),
                            [self = this->shared_from_this()](boost::system::error_code ec,
                                                              std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    // EOF, reset, TLS truncation, or closed by the sweep/drain: nobody is left to answer.
    if (ec) return close_now();
    buffer_.commit(n);
    if (phase_ == Phase::Idle) {
      phase_ = Phase::Reading;
      deadline_ = kUnset;  // the sweep starts the read timeout: no clock read per request
    }
    if (!parse_buffered()) do_read();
  }

  /// Feeds buffered bytes to the parser. True if it moved on (request complete, error
  /// response or 100 Continue under way); false if more bytes are needed.
  bool parse_buffered() {
    while (buffer_.size() > 0) {
      boost::system::error_code ec;
      const std::size_t n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == boost::beast::http::error::need_more) break;
      if (ec) {
        on_parse_error(ec);
        return true;
      }
      if (parser_->is_done()) {
        handle_request();
        return true;
      }
      if (n == 0) break;
    }
    if (parser_->is_header_done() && parser_->expects_continue() && !continue_sent_ &&
        parser_->version() >= 11) {
      send_continue();
      return true;
    }
    return false;
  }

  void send_continue() {
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    boost::asio::async_write(
        stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec) return self->close_now();
          if (!self->parse_buffered()) self->do_read();
        });
  }

  void on_parse_error(boost::system::error_code ec) {
    namespace http = boost::beast::http;
    received_at_ = SteadyClock::now();
    version_ = 11;
    if (ec == http::error::header_limit) {
      res_ = error_response(431, "RequestHeaderFieldsTooLarge", "Sender",
                            "The request header is larger than the limit of " +
                                std::to_string(options().max_header_bytes) + " bytes.");
    } else if (ec == http::error::body_limit) {
      res_ = error_response(413, "RequestEntityTooLarge", "Sender",
                            "The request body is larger than the limit of " +
                                std::to_string(options().max_body_bytes) + " bytes.");
    } else {
      res_ = error_response(400, "BadRequest", "Sender", "The HTTP request is malformed.");
    }
    linger_ = true;
    send(false);
  }

  // --- handling and writing ----------------------------------------------------------------

  void handle_request() {
    phase_ = Phase::Handling;
    received_at_ = SteadyClock::now();
    version_ = parser_->version();
    const bool keep_alive = parser_->keep_alive();
    try {
      res_ = worker_.shared.handler(req_);
      if (res_.status < 200 || res_.status > 599) {
        throw std::out_of_range("handler returned HTTP status " + std::to_string(res_.status));
      }
    } catch (const std::exception& e) {
      internal_failure(e.what());
    } catch (...) {
      internal_failure("unknown exception");
    }
    if (res_.request_id.empty()) make_request_id(res_.request_id);
    send(keep_alive && !worker_.draining());
  }

  void internal_failure(const char* what) {
    res_ = error_response(
        500, "InternalFailure", "Receiver",
        "The request processing has failed because of an unknown error, exception or failure.");
    // Never the body or headers: they can hold credentials.
    spdlog::error("handler failed on {} {} (request id {}): {}", req_.method,
                  path_of(req_.target), res_.request_id, what);
  }

  void send(bool keep_alive) {
    keep_alive_ = keep_alive;
    serialize_head(head_, res_, keep_alive, version_);
    phase_ = Phase::Writing;
    deadline_ = received_at_ + options().read_timeout;
    body_sent_ = has_body(res_.status, req_.method) ? res_.body.size() : 0;
    const std::array<boost::asio::const_buffer, 2> buffers = {
        boost::asio::buffer(head_), boost::asio::buffer(res_.body.data(), body_sent_)};
    boost::asio::async_write(
        stream_, buffers,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          self->on_write(ec);
        });
  }

  void on_write(boost::system::error_code ec) {
    const auto now = SteadyClock::now();
    account(now);
    res_ = Response{};  // don't hold the body while idle; the default allocates nothing
    if (ec) return close_now();
    if (!keep_alive_ || worker_.draining()) return close_gracefully(now);
    begin_request(now);
  }

  /// Metrics and the access log, once per response.
  void account(SteadyClock::time_point now) {
    const auto latency = std::chrono::duration_cast<std::chrono::nanoseconds>(now - received_at_);
    worker_.shared.metrics.record(res_.service, res_.action, res_.status, latency);
    if (!worker_.access_log_enabled()) return;  // disabled: no formatting cost
    const std::string_view method = req_.method.empty() ? "-" : std::string_view(req_.method);
    const std::string_view path = req_.target.empty() ? "-" : path_of(req_.target);
    // REMOTE "METHOD PATH" STATUS BYTES LATENCYus SERVICE ACTION REQUEST-ID
    std::string& line = worker_.begin_access_line();
    line += req_.remote_ip;
    line += " \"";
    line += method;
    line += ' ';
    line += path;
    line += "\" ";
    append_decimal(line, res_.status);
    line += ' ';
    append_decimal(line, body_sent_);
    line += ' ';
    append_decimal(line, latency.count() / 1000);
    line += "us ";
    line += res_.service;
    line += ' ';
    line += res_.action;
    line += ' ';
    line += res_.request_id;
    worker_.end_access_line();
  }

  template <class Integer>
  static void append_decimal(std::string& out, Integer value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
  }

  // --- closing -----------------------------------------------------------------------------

  void close_gracefully(SteadyClock::time_point now) {
    phase_ = Phase::Closing;
    deadline_ = now + kLingerTime;
    if constexpr (kTls) {
      // close_notify, then wait (bounded by the deadline) for the client's.
      stream_.async_shutdown(
          [self = this->shared_from_this()](boost::system::error_code) { self->close_now(); });
    } else {
      if (!linger_) return close_now();  // request read whole: nothing left to cause a RST
      boost::system::error_code ec;
      socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      if (ec) return close_now();
      linger_bytes_ = 0;
      linger();
    }
  }

  void linger() {
    buffer_.clear();
    socket().async_read_some(
        buffer_.prepare(16 * 1024),
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
          self->linger_bytes_ += n;
          if (ec || self->linger_bytes_ > kLingerBytes) return self->close_now();
          self->linger();
        });
  }

  void close_now() {
    phase_ = Phase::Closing;
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket().close(ec);  // pending operations finish with operation_aborted
  }

  // --- ConnectionBase ----------------------------------------------------------------------

  void on_sweep(SteadyClock::time_point now) override {
    if (phase_ == Phase::Reading && deadline_ == kUnset) {
      deadline_ = now + options().read_timeout;
    } else if (now >= deadline_) {
      close_now();
    }
  }

  void on_drain() override {
    if (phase_ == Phase::Handshake || (phase_ == Phase::Idle && buffer_.size() == 0)) {
      close_now();
    }
  }

  void abort() override { close_now(); }

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Request req_;
  Response res_;
  std::string head_;
  Phase phase_ = Phase::Idle;
  SteadyClock::time_point deadline_ = kUnset;
  SteadyClock::time_point received_at_;
  std::size_t body_sent_ = 0;
  std::size_t linger_bytes_ = 0;
  int version_ = 11;
  bool keep_alive_ = false;
  bool continue_sent_ = false;
  bool linger_ = false;
  bool closed_ = false;
};

}  // namespace iamd::http::detail
