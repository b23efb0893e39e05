#pragma once
// The HTTP/1.1 front door: Boost.Beast over Asio, one io_context per thread with SO_REUSEPORT
// acceptors, keep-alive, optional TLS, size limits, graceful shutdown. It knows nothing of AWS:
// it hands each complete request to a Handler and writes back what the Handler returns.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server/metrics.h"

namespace iamd::http {

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;   // "GET", "POST", ...
  std::string target;   // raw request-target as received: "/path?query"
  std::vector<Header> headers;  // in arrival order, names as received (case preserved)
  std::string body;
  std::string remote_ip;
  std::uint16_t remote_port = 0;
  bool tls = false;     // arrived over HTTPS (aws:SecureTransport)

  /// The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/xml";
  /// Extra headers. Framing is the server's job: Content-Length, Transfer-Encoding and
  /// Connection given here are ignored, as is any header whose name or value holds CR or LF.
  std::vector<Header> headers;
  std::string body;
  /// For the access log and metrics: which service and action this was ("-" if none).
  std::string service = "-";
  std::string action = "-";
  std::string request_id;  // sent as x-amzn-RequestId; the server makes a UUID when empty
};

/// Called synchronously on the connection's I/O thread; keep it non-blocking where possible.
/// An exception becomes a 500 InternalFailure response (and an error log line).
using Handler = std::function<Response(Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8777;     // 0 picks a free port (see Server::port())
  unsigned threads = 0;          // 0: one per core
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::string tls_cert_file;     // both set: serve HTTPS only
  std::string tls_key_file;
  /// Keep-alive connections with no request in progress are closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  /// A request (TLS handshake, header and body) must arrive within this once it has started,
  /// and a response must be taken by the client within it too (slowloris bound).
  std::chrono::milliseconds read_timeout{30'000};
  /// On shutdown, connections still busy after this are cut.
  std::chrono::milliseconds drain_timeout{10'000};
  /// Per I/O thread; beyond it the thread stops accepting (the kernel backlog queues).
  std::size_t max_connections_per_thread = 10'000;
};

class Server {
 public:
  /// Binds and listens; throws std::runtime_error when it cannot (startup is the place for that),
  /// including when the TLS certificate or key cannot be loaded.
  Server(ServerOptions options, Handler handler);
  /// Must not run concurrently with run(): stop() and wait for run() to return first.
  ~Server();

  /// Serves until stop() is called or SIGTERM/SIGINT arrives; in-flight requests finish first.
  /// Uses the calling thread as one of the I/O threads.
  void run();
  /// Stops accepting, lets in-flight requests finish, then makes run() return. Thread-safe.
  void stop();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Request counters and latency histograms of this server (render them for /metrics).
  Metrics& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iamd::http
