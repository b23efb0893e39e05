#pragma once
// One I/O thread of the server: its own io_context, its own SO_REUSEPORT acceptor and the
// connections it accepted. Nothing here is shared between threads except `Shared`, which is
// read-only after construction (Metrics shards itself per thread).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "http/server/access_log.h"
#include "http/server/metrics.h"
#include "http/server/server.h"

namespace iamd::http::detail {

using SteadyClock = std::chrono::steady_clock;

struct Shared {
  ServerOptions options;
  Handler handler;
  Metrics metrics;
  std::unique_ptr<AccessLog> access_log;  // after metrics, which it counts drops in
  std::unique_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  /// Set by Server::stop() at once, so that responses being made while the drain request
  /// travels to each worker already say "Connection: close".
  std::atomic<bool> stopping{false};
};

class Worker;

/// A connection as its worker sees it. Constructing one registers it with the worker;
/// destroying it unregisters it. Every call happens on the worker's thread.
class ConnectionBase {
 public:
  explicit ConnectionBase(Worker& worker);
  virtual ~ConnectionBase();
  ConnectionBase(const ConnectionBase&) = delete;
  ConnectionBase& operator=(const ConnectionBase&) = delete;

  /// Periodic check (about once a second): close the connection if its deadline has passed.
  virtual void on_sweep(SteadyClock::time_point now) = 0;
  /// Shutdown has begun: close now if no request is in progress.
  virtual void on_drain() = 0;
  /// The drain deadline passed: close now whatever the state.
  virtual void abort() = 0;

 protected:
  Worker& worker_;

 private:
  friend class Worker;
  ConnectionBase* prev_ = nullptr;  // intrusive list: registering costs no allocation
  ConnectionBase* next_ = nullptr;
};

class Worker {
 public:
  /// Opens and binds the acceptor (SO_REUSEPORT) and starts accepting; throws
  /// std::runtime_error when the address cannot be bound.
  Worker(Shared& shared, unsigned index, const boost::asio::ip::tcp::endpoint& endpoint);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Runs the event loop on the calling thread until the worker has drained.
  void run();
  /// Stops accepting, closes idle connections, lets busy ones finish. Call on this thread
  /// (post it).
  void begin_drain();

  boost::asio::io_context& io_context() { return ioc_; }
  std::uint16_t port() const { return port_; }
  /// Shutdown has begun: finish the request in progress, then close.
  bool draining() const {
    return draining_ || shared.stopping.load(std::memory_order_relaxed);
  }

  /// Whether access-log lines are wanted; if so, write one with begin/end_access_line.
  bool access_log_enabled() const { return shared.access_log->enabled(); }
  /// Starts an access-log line stamped now: append its text, then end_access_line(). Lines are
  /// handed to the log's writer thread in batches (see access_log.h), never written here.
  std::string& begin_access_line() {
    return access_buffer_.begin_line(std::chrono::system_clock::now());
  }
  void end_access_line();
  /// Hands this thread's pending access-log lines to the writer.
  void submit_access_lines();

  Shared& shared;

 private:
  friend class ConnectionBase;
  void add(ConnectionBase* c);
  void remove(ConnectionBase* c);
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void schedule_sweep();
  void finish_drain();
  void arm_access_flush();

  const unsigned index_;
  std::uint16_t port_ = 0;
  // INVARIANT: declared before ioc_, so they outlive it: connections owned by handlers still
  // queued in ioc_ unregister themselves while ioc_ is destroyed.
  ConnectionBase* head_ = nullptr;
  std::size_t connections_ = 0;
  bool draining_ = false;
  bool drained_ = false;  // draining and no connections left: nothing may re-arm a timer
  bool accept_paused_ = false;
  bool destroying_ = false;  // set in ~Worker: timers below are gone, leave them alone

  boost::asio::io_context ioc_{1};  // one thread runs it: lets Asio skip some locking
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer accept_retry_timer_;
  boost::asio::steady_timer drain_timer_;
  AccessLog::Buffer access_buffer_;
  boost::asio::steady_timer access_flush_timer_;  // hands a partial batch over in time
  bool access_flush_armed_ = false;
};

}  // namespace iamd::http::detail
