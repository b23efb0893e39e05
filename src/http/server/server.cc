#include "http/server/server.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "core/strings.h"
#include "http/server/session.h"
#include "http/server/worker.h"
#include "core/thread_name.h"

namespace iamd::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const std::string* Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (core::iequals(h.first, name)) return &h.second;
  }
  return nullptr;
}

namespace detail {
namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

// SO_REUSEPORT: every worker binds its own listening socket to the same address and the kernel
// spreads incoming connections among them, so accepting needs no shared lock.
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

}  // namespace

// --- ConnectionBase ------------------------------------------------------------------------

ConnectionBase::ConnectionBase(Worker& worker) : worker_(worker) { worker_.add(this); }
ConnectionBase::~ConnectionBase() { worker_.remove(this); }

// --- Worker --------------------------------------------------------------------------------

Worker::Worker(Shared& s, unsigned index, const tcp::endpoint& endpoint)
    : shared(s),
      index_(index),
      acceptor_(ioc_),
      sweep_timer_(ioc_),
      accept_retry_timer_(ioc_),
      drain_timer_(ioc_),
      access_flush_timer_(ioc_) {
  auto check = [&](const char* what, const boost::system::error_code& ec) {
    if (!ec) return;
    throw std::runtime_error("cannot " + std::string(what) + " " +
                             endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
  };
  boost::system::error_code ec;
  if (index == 0 && endpoint.port() != 0) {
    // SO_REUSEPORT would let us silently share a port another process listens on; a probe bound
    // without it fails with "address in use" instead, as a user expects.
    tcp::acceptor probe(ioc_);
    probe.open(endpoint.protocol(), ec);
    check("open a socket for", ec);
    probe.set_option(tcp::acceptor::reuse_address(true), ec);
    probe.bind(endpoint, ec);
    check("bind", ec);
  }
  acceptor_.open(endpoint.protocol(), ec);
  check("open a socket for", ec);
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  check("set SO_REUSEADDR for", ec);
  acceptor_.set_option(reuse_port(true), ec);
  check("set SO_REUSEPORT for", ec);
  acceptor_.bind(endpoint, ec);
  check("bind", ec);
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  check("listen on", ec);
  port_ = acceptor_.local_endpoint(ec).port();
  check("get the local port of", ec);
  do_accept();
  schedule_sweep();
}

Worker::~Worker() {
  destroying_ = true;
  submit_access_lines();
}

void Worker::end_access_line() {
  access_buffer_.end_line();
  if (access_buffer_.lines() >= shared.access_log->options().batch_lines) {
    submit_access_lines();
  } else if (!access_flush_armed_ && !drained_) {
    arm_access_flush();
  }
}

void Worker::submit_access_lines() { shared.access_log->submit(access_buffer_); }

void Worker::arm_access_flush() {
  access_flush_armed_ = true;
  access_flush_timer_.expires_after(shared.access_log->options().max_delay);
  access_flush_timer_.async_wait([this](boost::system::error_code ec) {
    access_flush_armed_ = false;
    if (!ec) submit_access_lines();
  });
}

void Worker::run() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      // Handlers are guarded; this is a bug or resource exhaustion. Keep the thread serving.
      spdlog::error("http worker {}: unexpected exception: {}", index_, e.what());
    }
  }
}

void Worker::add(ConnectionBase* c) {
  c->next_ = head_;
  if (head_ != nullptr) head_->prev_ = c;
  head_ = c;
  ++connections_;
}

void Worker::remove(ConnectionBase* c) {
  if (c->prev_ != nullptr) c->prev_->next_ = c->next_;
  else head_ = c->next_;
  if (c->next_ != nullptr) c->next_->prev_ = c->prev_;
  --connections_;
  if (destroying_) return;
  if (draining_) {
    if (connections_ == 0) finish_drain();
  } else if (accept_paused_ && connections_ < shared.options.max_connections_per_thread) {
    accept_paused_ = false;
    do_accept();
  }
}

void Worker::do_accept() {
  acceptor_.async_accept(
      [this](boost::system::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Worker::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || draining_) return;
  if (ec == asio::error::connection_aborted) return do_accept();  // client gave up: no matter
  if (ec) {
    // Typically EMFILE/ENFILE: back off instead of spinning on an accept that keeps failing.
    spdlog::warn("http worker {}: accept failed: {}", index_, ec.message());
    accept_retry_timer_.expires_after(kAcceptRetryDelay);
    accept_retry_timer_.async_wait([this](boost::system::error_code e) {
      if (!e && !draining_) do_accept();
    });
    return;
  }
  if (shared.tls) {
    std::make_shared<Session<TlsStream>>(*this, std::move(socket))->start();
  } else {
    std::make_shared<Session<PlainStream>>(*this, std::move(socket))->start();
  }
  // At the limit, stop accepting: the connections the kernel hashes to this acceptor wait in
  // its backlog until one of ours closes (see remove()).
  if (connections_ >= shared.options.max_connections_per_thread) {
    accept_paused_ = true;
    return;
  }
  do_accept();
}

void Worker::schedule_sweep() {
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    // drained_: finish_drain's cancel() cannot recall a wait that had already completed and
    // was queued; without this check that handler would re-arm the sweep and run() would
    // never return.
    if (ec || drained_) return;
    const auto now = SteadyClock::now();
    // on_sweep may close a socket but never destroys a connection synchronously (its pending
    // operation completes later), so the list stays intact while we walk it.
    for (ConnectionBase* c = head_; c != nullptr; c = c->next_) c->on_sweep(now);
    schedule_sweep();
  });
}

void Worker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  accept_retry_timer_.cancel();
  for (ConnectionBase* c = head_; c != nullptr; c = c->next_) c->on_drain();
  if (connections_ == 0) return finish_drain();
  drain_timer_.expires_after(shared.options.drain_timeout);
  drain_timer_.async_wait([this](boost::system::error_code e) {
    if (e) return;
    spdlog::warn("http worker {}: drain timeout, closing {} connection(s)", index_, connections_);
    for (ConnectionBase* c = head_; c != nullptr; c = c->next_) c->abort();
  });
}

void Worker::finish_drain() {
  // With the acceptor closed and no connections, cancelling the timers leaves the io_context
  // without work, so run() returns.
  drained_ = true;
  sweep_timer_.cancel();
  drain_timer_.cancel();
  access_flush_timer_.cancel();
  submit_access_lines();
}

}  // namespace detail

// --- Server --------------------------------------------------------------------------------

namespace {

std::unique_ptr<asio::ssl::context> make_tls_context(const ServerOptions& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return nullptr;
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    throw std::runtime_error("TLS needs both a certificate file and a key file");
  }
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    throw std::runtime_error("cannot load TLS certificate chain from '" + o.tls_cert_file +
                             "': " + ec.message());
  }
  ctx->use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("cannot load TLS private key from '" + o.tls_key_file +
                             "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw std::runtime_error("TLS private key '" + o.tls_key_file +
                             "' does not match the certificate in '" + o.tls_cert_file + "'");
  }
  return ctx;
}

asio::ip::address resolve_host(const std::string& host) {
  if (host.empty()) return asio::ip::address_v4::any();
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return address;
  // A name ("localhost"): resolve once, at startup.
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, "", ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen host '" + host + "': " +
                             (ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint().address();
}

}  // namespace

struct Server::Impl {
  detail::Shared shared;
  std::vector<std::unique_ptr<detail::Worker>> workers;
  std::optional<asio::signal_set> signals;  // lives while run() does, on worker 0
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  if (!handler) throw std::invalid_argument("iamd::http::Server needs a handler");
  auto& shared = impl_->shared;
  shared.options = std::move(options);
  shared.handler = std::move(handler);
  shared.tls = make_tls_context(shared.options);
  // The "access" logger: the application may register its own (to route it or turn it off)
  // before constructing the Server; otherwise one is made (AccessLog::default_logger).
  shared.access_log =
      std::make_unique<detail::AccessLog>(detail::AccessLog::default_logger(), shared.metrics);

  const unsigned threads = shared.options.threads != 0
                               ? shared.options.threads
                               : std::max(1u, std::thread::hardware_concurrency());
  tcp::endpoint endpoint(resolve_host(shared.options.host), shared.options.port);
  for (unsigned i = 0; i < threads; ++i) {
    impl_->workers.push_back(std::make_unique<detail::Worker>(shared, i, endpoint));
    // With port 0 the first bind picks the port; the others must join that one.
    if (i == 0) endpoint.port(impl_->workers[0]->port());
  }
}

Server::~Server() = default;

void Server::run() {
  auto& workers = impl_->workers;
  auto& signals = impl_->signals;
  signals.emplace(workers[0]->io_context(), SIGINT, SIGTERM);
  signals->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}: shutting down", signal);
    stop();
  });

  std::vector<std::thread> threads;
  threads.reserve(workers.size() - 1);
  for (std::size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back([w = workers[i].get()] {
      core::name_this_thread("iamd-io");
      w->run();
    });
  }
  workers[0]->run();
  for (auto& t : threads) t.join();
  impl_->shared.access_log->flush();  // every line of the run is out when run() returns
  signals.reset();  // gives SIGINT/SIGTERM back their default action
}

void Server::stop() {
  if (impl_->shared.stopping.exchange(true)) return;
  for (auto& w : impl_->workers) {
    asio::post(w->io_context(), [w = w.get()] { w->begin_drain(); });
  }
  // The pending signal wait would keep worker 0's loop alive; run() created it on that loop.
  asio::post(impl_->workers[0]->io_context(), [impl = impl_.get()] {
    if (impl->signals) impl->signals->cancel();
  });
}

std::uint16_t Server::port() const { return impl_->workers[0]->port(); }

Metrics& Server::metrics() { return impl_->shared.metrics; }

}  // namespace iamd::http
