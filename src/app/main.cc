// iamd: the composition root. The only place that chooses concrete stores, sinks and clocks.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/operation.h"
#include "app/audit_event.h"
#include "app/bootstrap.h"
#include "app/master_key.h"
#include "app/policy_batch.h"
#include "app/policy_cli.h"
#include "app/query_endpoint.h"
#include "app/role_cli.h"
#include "audit/broker.h"
#include "audit/file_sink.h"
#include "audit/hour_file_reader.h"
#include "audit/sqlite_index.h"
#include "audit/tail.h"
#include "authz/view.h"
#include "cloudtrail/service.h"
#include "crypto/csprng.h"
#include "http/server/server.h"
#include "iam/service.h"
#include "organizations/service.h"
#include "store/keyring.h"
#include "store/sqlite/sqlite_store.h"
#include "sts/service.h"
#include "core/thread_name.h"

namespace iamd::app {
namespace {

struct ServeOptions {
  std::string data_dir = "./iamd-data";
  std::string listen = "127.0.0.1:8777";
  std::string store_url;
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 0;
  bool no_audit = false;
  unsigned audit_retention_days = 0;  // 0: keep forever
};

// "HOST:PORT", "[v6]:PORT" -> host, port. Throws on anything else (startup).
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    throw std::runtime_error("--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = std::stoul(listen.substr(colon + 1));
  if (port > 65535) throw std::runtime_error("--listen port out of range");
  return {host, static_cast<std::uint16_t>(port)};
}

http::Response route(QueryEndpoint& endpoint, http::Server& server, const http::Request& request) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path == "/healthz") {
    http::Response r;
    r.content_type = "text/plain";
    r.body = "ok\n";
    return r;
  }
  if (path == "/metrics") {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = server.metrics().render_prometheus();
    return r;
  }
  return endpoint.handle(request);
}

std::atomic<bool> tail_stop{false};

// `iamd audit tail`: reads the data directory's files, so it works with or without a server.
int audit_tail(const audit::TailOptions& options) {
  std::signal(SIGINT, [](int) { tail_stop = true; });
  std::signal(SIGTERM, [](int) { tail_stop = true; });
  return audit::run_tail(options, std::cout, std::cerr, tail_stop);
}

int serve(const ServeOptions& opts) {
  std::filesystem::create_directories(opts.data_dir);
  ::chmod(opts.data_dir.c_str(), 0700);
  // One process per data directory: SQLite's single writer and the in-process cache generation
  // assume it. The lock dies with the process, kill -9 included.
  int lock_fd = ::open((opts.data_dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error("another iamd is already using " + opts.data_dir);
  }
  if (!opts.store_url.empty() && !opts.store_url.starts_with("sqlite:")) {
    throw std::runtime_error("--store: only the embedded SQLite store is available in this build");
  }

  crypto::SystemRandom random;
  core::SystemClock clock;
  MasterKeySealer sealer(load_or_create_master_key(opts.data_dir, random), random);
  store::SqliteStore store(opts.data_dir + "/iamd.db");
  BootstrapResult boot = bootstrap(store, sealer, random, clock, opts.data_dir);
  // The session-token keyring: created on first start, rotated daily (store/keyring.h).
  if (auto kr = store::maintain_keyring(store, sealer, random, clock.now()); !kr) {
    throw std::runtime_error("preparing the token keyring: " + kr.error().message);
  }

  authz::View view(store, sealer);
  sts::Service sts_service(sts::Deps{store, view, random, sealer});

  // The audit trail: hourly JSON-lines files and the index LookupEvents reads, both written by
  // the broker's thread; the last-used dates are fed from the same events.
  const std::chrono::hours retention(24 * opts.audit_retention_days);
  std::unique_ptr<audit::FileSink> audit_files;
  std::unique_ptr<audit::HourFileReader> audit_lines;
  std::unique_ptr<audit::SqliteIndex> audit_index;
  std::unique_ptr<audit::Broker> broker;
  if (!opts.no_audit) {
    std::filesystem::create_directories(opts.data_dir + "/audit");
    ::chmod((opts.data_dir + "/audit").c_str(), 0700);
    audit_files = std::make_unique<audit::FileSink>(
        audit::FileSinkOptions{.dir = opts.data_dir + "/audit",
                               .retention = retention,
                               .compress_in_background = true});
    // The index keeps where each record's line is, and reads it back from the files.
    audit_lines = std::make_unique<audit::HourFileReader>(opts.data_dir + "/audit");
    audit::SqliteIndex::Options index_options;
    index_options.lines = audit_lines.get();
    audit_index =
        std::make_unique<audit::SqliteIndex>(opts.data_dir + "/audit-index.db", index_options);
    broker = std::make_unique<audit::Broker>(
        std::vector<audit::Sink*>{audit_files.get(), audit_index.get()}, clock, random,
        [&view, &sts_service](const audit::Event& e) { record_last_used(e, view, sts_service); },
        audit::Broker::Options{});
  }
  // GetRole and GetAccessKeyLastUsed first let the trail catch up. Key uses not yet flushed are
  // merged in memory by GetAccessKeyLastUsed; role uses are written here, and only when there
  // are any (each write makes the authz view reload).
  auto settle_last_used = [&] {
    if (broker == nullptr) return;
    broker->wait_for_writes();
    if (auto st = sts_service.flush_role_use(); !st) {
      spdlog::warn("flushing role use: {}", st.error().message);
    }
  };

  api::Registry registry;
  iam::Service iam_service(iam::Deps{store, view, random, sealer, settle_last_used});
  iam_service.register_operations(registry);
  sts_service.register_operations(registry);
  organizations::Service organizations_service(organizations::Deps{store, view, random});
  organizations_service.register_operations(registry);
  std::unique_ptr<cloudtrail::Service> cloudtrail_service;
  if (audit_index != nullptr) {
    cloudtrail_service = std::make_unique<cloudtrail::Service>(cloudtrail::Deps{
        *audit_index, view, [&broker] { broker->wait_for_writes(); }});
    cloudtrail_service->register_operations(registry);
  }
  QueryEndpoint endpoint(registry, view, clock, random, broker.get());

  auto [host, port] = split_listen(opts.listen);
  http::ServerOptions server_options;
  server_options.host = host;
  server_options.port = port;
  server_options.threads = opts.threads;
  server_options.tls_cert_file = opts.tls_cert;
  server_options.tls_key_file = opts.tls_key;
  std::unique_ptr<http::Server> server;
  server = std::make_unique<http::Server>(server_options, [&](http::Request& r) {
    return route(endpoint, *server, r);
  });

  // Key-use records are batched to the store once a minute and at shutdown.
  std::mutex flush_mutex;
  std::condition_variable flush_cv;
  bool stopping = false;
  std::thread flusher([&] {
    core::name_this_thread("iamd-flush");
    std::unique_lock lock(flush_mutex);
    while (!flush_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; })) {
      if (auto st = view.flush_key_use(); !st) spdlog::warn("flushing key use: {}", st.error().message);
      if (auto st = sts_service.flush_role_use(); !st) {
        spdlog::warn("flushing role use: {}", st.error().message);
      }
      if (auto kr = store::maintain_keyring(store, sealer, random, clock.now()); !kr) {
        spdlog::warn("rotating the token keyring: {}", kr.error().message);
      } else if (*kr) {
        spdlog::info("token keyring rotated");
      }
      if (audit_index != nullptr && retention.count() > 0) {
        if (auto st = audit_index->prune(clock.now() - retention); !st) {
          spdlog::warn("pruning the audit index: {}", st.error().message);
        }
      }
    }
  });

  std::string scheme = opts.tls_cert.empty() ? "http" : "https";
  std::printf("iamd listening on %s://%s:%u (account %s)\n", scheme.c_str(), host.c_str(),
              static_cast<unsigned>(server->port()), boot.account_id.c_str());
  if (!boot.credentials_file.empty()) {
    std::printf("root credentials written to %s\n", boot.credentials_file.c_str());
  } else {
    std::printf("root access key: %s (credentials in %s/root-credentials when generated)\n",
                boot.root_access_key_id.c_str(), opts.data_dir.c_str());
  }
  std::fflush(stdout);

  server->run();

  {
    std::lock_guard lock(flush_mutex);
    stopping = true;
  }
  flush_cv.notify_all();
  flusher.join();
  // Every answered request's event is queued by now: write them all before exiting.
  if (broker != nullptr) broker->stop();
  if (auto st = view.flush_key_use(); !st) spdlog::warn("flushing key use: {}", st.error().message);
  if (auto st = sts_service.flush_role_use(); !st) {
    spdlog::warn("flushing role use: {}", st.error().message);
  }
  spdlog::info("iamd stopped");
  return 0;
}

}  // namespace
}  // namespace iamd::app

int main(int argc, char** argv) {
  CLI::App cli{"iamd: a self-hosted, AWS-compatible IAM and STS service"};
  cli.require_subcommand(1);
  iamd::app::ServeOptions opts;
  auto* serve = cli.add_subcommand("serve", "Run the server");
  serve->add_option("--data-dir", opts.data_dir, "Data directory (embedded store, keys)")
      ->capture_default_str();
  serve->add_option("--listen", opts.listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--store", opts.store_url, "Store URL (default: SQLite in the data directory)");
  serve->add_option("--tls-cert", opts.tls_cert, "PEM certificate chain: serve HTTPS");
  serve->add_option("--tls-key", opts.tls_key, "PEM private key for --tls-cert");
  serve->add_option("--threads", opts.threads, "Worker threads (default: one per core)");
  serve->add_flag("--no-audit", opts.no_audit,
                  "Record no audit trail (also stops RoleLastUsed and access-key last-used "
                  "updates, which are fed from it)");
  serve->add_option("--audit-retention-days", opts.audit_retention_days,
                    "Delete audit records older than this many days (0: keep forever)")
      ->capture_default_str();
  iamd::app::PolicyCheckOptions check_opts;
  iamd::app::PolicyEvalOptions eval_opts;
  auto* policy_cmd = cli.add_subcommand("policy", "Check or evaluate policy documents offline");
  policy_cmd->require_subcommand(1);
  auto* check = policy_cmd->add_subcommand("check", "Print the findings of one policy file");
  check->add_option("FILE", check_opts.file, "Policy JSON file")->required();
  check->add_option("--type", check_opts.type,
                    "identity | trust | boundary | session | scp | resource")
      ->capture_default_str();
  auto* eval = policy_cmd->add_subcommand("eval", "Evaluate one request and explain the decision");
  eval->add_option("--policy", eval_opts.identity_files, "Identity policy file (repeatable)");
  eval->add_option("--boundary", eval_opts.boundary_files, "Permissions boundary file");
  eval->add_option("--session", eval_opts.session_files, "Session policy file (repeatable)");
  eval->add_option("--scp", eval_opts.scp_files, "SCP file, one per level (repeatable)");
  eval->add_option("--resource-policy", eval_opts.resource_policy_file, "Resource-based policy");
  eval->add_option("--action", eval_opts.action, "service:Action")->required();
  eval->add_option("--resource", eval_opts.resource, "Resource ARN")->capture_default_str();
  eval->add_option("--principal", eval_opts.principal_arn, "Caller ARN");
  eval->add_option("--context", eval_opts.context, "key=value (repeat for multivalued keys)");
  auto* eval_batch = policy_cmd->add_subcommand(
      "eval-batch", "Evaluate JSON Lines cases from stdin, one JSON result per line to stdout");
  iamd::audit::TailOptions tail_opts;
  auto* audit_cmd = cli.add_subcommand("audit", "Read the audit trail of a data directory");
  audit_cmd->require_subcommand(1);
  auto* tail = audit_cmd->add_subcommand("tail", "Print recent audit events, one line each");
  tail->add_option("--data-dir", tail_opts.data_dir, "Data directory")->capture_default_str();
  tail->add_option("--account", tail_opts.account, "Only this account's events");
  tail->add_option("-n,--lines", tail_opts.lines, "How many past events to print first")
      ->capture_default_str();
  tail->add_flag("-f,--follow", tail_opts.follow, "Keep printing events as they happen");
  iamd::app::RevokeSessionsOptions revoke_opts;
  auto* role_cmd = cli.add_subcommand("role", "Role operations against a running server");
  role_cmd->require_subcommand(1);
  auto* revoke = role_cmd->add_subcommand(
      "revoke-sessions",
      "Revoke every session of ROLE issued until now (puts the inline policy "
      "AWSRevokeOlderSessions through the running server's API)");
  revoke->add_option("ROLE", revoke_opts.role_name, "Role name")->required();
  revoke->add_option("--data-dir", revoke_opts.data_dir,
                     "Data directory (its root-credentials sign the call unless AWS_ACCESS_KEY_ID "
                     "or IAMD_ROOT_ACCESS_KEY_ID is set)")
      ->capture_default_str();
  revoke->add_option("--account", revoke_opts.account, "The role's account (checked)");
  revoke->add_option("--endpoint", revoke_opts.endpoint, "The server's URL")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (revoke->parsed()) return iamd::app::revoke_role_sessions(revoke_opts);
  if (tail->parsed()) return iamd::app::audit_tail(tail_opts);
  if (check->parsed()) return iamd::app::policy_check(check_opts);
  if (eval->parsed()) return iamd::app::policy_eval(eval_opts);
  if (eval_batch->parsed()) return iamd::app::policy_eval_batch(stdin, stdout);
  if (opts.tls_cert.empty() != opts.tls_key.empty()) {
    std::fprintf(stderr, "iamd: --tls-cert and --tls-key go together\n");
    return 2;
  }
  try {
    if (serve->parsed()) return iamd::app::serve(opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iamd: %s\n", e.what());
    return 1;
  }
  return 0;
}
