// A closed-loop HTTP load generator for Query APIs: N keep-alive connections, each sending one
// SigV4-signed POST after another for a fixed time. Prints one JSON line: requests/s, p50, p99,
// p99.9 and the slowest request.
//
// The request is signed once at start (valid for 15 minutes) so the client spends its CPU on
// HTTP, not on signing; the server still verifies every signature.
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8777";
  int connections = 1;
  double seconds = 5;
  std::string key_id = "AKIAIOSFODNN7EXAMPLE";
  std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  std::string service = "sts";
  std::string region = "us-east-1";
  std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
};

std::string hex(iamd::crypto::Bytes b) { return iamd::crypto::to_hex(b); }

http::request<http::string_body> signed_request(const Options& o) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char amz_date[17];
  std::strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm);
  std::string date(amz_date, 8);
  std::string host = o.host + ":" + o.port;
  const std::string content_type = "application/x-www-form-urlencoded; charset=utf-8";
  std::string payload_hash = iamd::crypto::sha256_hex(o.body);
  std::string creq = "POST\n/\n\ncontent-type:" + content_type + "\nhost:" + host +
                     "\nx-amz-date:" + amz_date + "\n\ncontent-type;host;x-amz-date\n" + payload_hash;
  std::string scope = date + "/" + o.region + "/" + o.service + "/aws4_request";
  std::string sts = std::string("AWS4-HMAC-SHA256\n") + amz_date + "\n" + scope + "\n" +
                    iamd::crypto::sha256_hex(creq);
  std::string k = "AWS4" + o.secret;
  auto key = iamd::crypto::hmac_sha256(iamd::crypto::as_bytes(k), date);
  for (const std::string& part : {o.region, o.service, std::string("aws4_request")}) {
    key = iamd::crypto::hmac_sha256(key, part);
  }
  auto sig = iamd::crypto::hmac_sha256(key, sts);

  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, host);
  req.set(http::field::content_type, content_type);
  req.set("X-Amz-Date", amz_date);
  req.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=" + o.key_id + "/" + scope +
                                          ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                                          hex(sig));
  req.set(http::field::user_agent, "iamd-loadgen");
  req.keep_alive(true);
  req.body() = o.body;
  req.prepare_payload();
  return req;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = v;
    else if (a == "--connections") o.connections = std::max(1, std::atoi(v.c_str()));
    else if (a == "--seconds") o.seconds = std::atof(v.c_str());
    else if (a == "--key") o.key_id = v;
    else if (a == "--secret") o.secret = v;
    else if (a == "--service") o.service = v;
    else if (a == "--region") o.region = v;
    else if (a == "--body") o.body = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const auto request = signed_request(o);
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(o.connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      try {
        boost::asio::io_context io;
        tcp::resolver resolver(io);
        const auto endpoints = resolver.resolve(o.host, o.port);
        std::optional<beast::tcp_stream> stream;
        beast::flat_buffer buffer;
        auto& lat = latencies[c];
        lat.reserve(1 << 16);
        while (!stop.load(std::memory_order_relaxed)) {
          auto t0 = Clock::now();
          if (!stream) {
            // Servers that close after every response (moto does) pay for the reconnect.
            stream.emplace(io);
            stream->expires_after(std::chrono::seconds(10));
            stream->connect(endpoints);
            stream->socket().set_option(tcp::no_delay(true));
            buffer.clear();
          }
          // A server that stops answering must not hang the run.
          stream->expires_after(std::chrono::seconds(10));
          http::write(*stream, request);
          http::response<http::string_body> res;
          http::read(*stream, buffer, res);
          lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
          if (res.result_int() != 200) errors++;
          if (!res.keep_alive()) stream.reset();
        }
      } catch (const std::exception& e) {
        errors++;
        std::fprintf(stderr, "connection %d: %s\n", c, e.what());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  // The slowest request too: a stall of the server (a writer held up, say) shows there first.
  std::printf("{\"connections\": %d, \"requests\": %zu, \"errors\": %ld, \"rps\": %.1f, "
              "\"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f}\n",
              o.connections, all.size(), errors.load(), all.size() / o.seconds, pct(0.50),
              pct(0.99), pct(0.999), all.empty() ? 0.0 : all.back());
  return errors.load() > 0 && all.empty() ? 1 : 0;
}
