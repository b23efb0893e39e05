// The access log's hand-over to its writer thread: lines arrive whole, in order, with the time
// they were made; flush() waits for them; a writer that falls behind costs dropped (and counted)
// lines, never a blocked request thread.

#include "http/server/access_log.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "http/server/metrics.h"

namespace iamd::http::detail {
namespace {

using namespace std::chrono_literals;

void add_line(AccessLog::Buffer& buffer, AccessLog::TimePoint time, std::string_view text) {
  buffer.begin_line(time) += text;
  buffer.end_line();
}

TEST(AccessLog, LinesReachTheLoggerInOrderWithTheirOwnTime) {
  auto out = std::make_shared<std::ostringstream>();
  auto logger = std::make_shared<spdlog::logger>(
      "access-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %v", spdlog::pattern_time_type::utc);
  Metrics metrics;
  AccessLog log(logger, metrics);
  EXPECT_TRUE(log.enabled());

  AccessLog::Buffer buffer;
  const auto t0 = std::chrono::system_clock::time_point{} + 1440938160s;  // 2015-08-30 12:36:00Z
  add_line(buffer, t0, "first line");
  add_line(buffer, t0 + 1500ms, "second line");
  EXPECT_EQ(buffer.lines(), 2u);
  log.submit(buffer);
  EXPECT_TRUE(buffer.empty());
  add_line(buffer, t0 + 3s, "third line");
  log.submit(buffer);
  log.flush();

  const std::string text = out->str();
  EXPECT_EQ(text,
            "2015-08-30 12:36:00.000 first line\n"
            "2015-08-30 12:36:01.500 second line\n"
            "2015-08-30 12:36:03.000 third line\n")
      << text;
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AccessLog, DisabledLoggerIsReportedSoNothingIsFormatted) {
  auto logger = std::make_shared<spdlog::logger>("access-off");
  logger->set_level(spdlog::level::off);
  Metrics metrics;
  AccessLog log(logger, metrics);
  EXPECT_FALSE(log.enabled());
}

// A sink that holds the writer thread until released.
class GateSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void open() {
    {
      std::lock_guard lock(gate_mutex_);
      open_ = true;
    }
    gate_.notify_all();
  }
  std::size_t lines() {
    std::lock_guard lock(gate_mutex_);
    return lines_;
  }
  std::string text() {
    std::lock_guard lock(gate_mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::unique_lock lock(gate_mutex_);
    gate_.wait(lock, [&] { return open_; });
    ++lines_;
    text_.append(msg.payload.data(), msg.payload.size());
    text_ += '\n';
  }
  void flush_() override {}

 private:
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool open_ = false;
  std::size_t lines_ = 0;
  std::string text_;
};

TEST(AccessLog, AWriterThatFallsBehindDropsAndCountsButNeverBlocks) {
  auto sink = std::make_shared<GateSink>();
  auto logger = std::make_shared<spdlog::logger>("access-gate", sink);
  Metrics metrics;
  AccessLog::Options options;
  options.max_pending_lines = 100;
  AccessLog log(logger, metrics, options);

  AccessLog::Buffer buffer;
  const auto start = std::chrono::steady_clock::now();
  for (int batch = 0; batch < 50; ++batch) {
    for (int i = 0; i < 10; ++i) add_line(buffer, std::chrono::system_clock::now(), "line");
    log.submit(buffer);  // the writer is stuck on the first line: this must not wait for it
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_GE(log.dropped(), 390u);  // at most 100 pending (+ the batch the writer holds)
  EXPECT_NE(metrics.render_prometheus().find("iamd_access_log_dropped_lines_total " +
                                             std::to_string(log.dropped()) + "\n"),
            std::string::npos);

  sink->open();
  log.flush();
  EXPECT_EQ(sink->lines(), 500u - log.dropped() + 1);  // + the warning about the drop
  EXPECT_NE(sink->text().find("line(s) dropped"), std::string::npos);
}

TEST(AccessLog, DestructionWritesEverythingHandedOver) {
  auto out = std::make_shared<std::ostringstream>();
  {
    auto logger = std::make_shared<spdlog::logger>(
        "access-end", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
    logger->set_pattern("%v");
    Metrics metrics;
    AccessLog log(logger, metrics);
    AccessLog::Buffer buffer;
    for (int i = 0; i < 1000; ++i) {
      add_line(buffer, std::chrono::system_clock::now(), "l" + std::to_string(i));
      if (buffer.lines() == 64) log.submit(buffer);
    }
    log.submit(buffer);
  }
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += "l" + std::to_string(i) + "\n";
  EXPECT_EQ(out->str(), expected);
}

}  // namespace
}  // namespace iamd::http::detail
