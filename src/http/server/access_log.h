#pragma once
// The access log, off the request path. One line per response, as before, through the "access"
// spdlog logger (its sinks, pattern and level), but not written by the I/O thread that served the
// request: writing synchronously cost a format through the sink's pattern, a lock and a write(2)
// per request, several microseconds on a request that otherwise takes a few.
//
// Instead each I/O thread appends the line's text and its timestamp to a buffer of its own (no
// lock: only that thread touches it) and hands the whole buffer over when it holds `batch_lines`
// lines or its oldest line is `max_delay` old. One writer thread gives the lines, with their
// original timestamps, to the logger. The hand-over takes a mutex that is only ever held to move
// a batch in or out of the queue, so a request never waits for the writer; if the writer falls
// behind by more than `max_pending_lines`, further batches are dropped and counted
// (iamd_access_log_dropped_lines_total, and a warning line once the writer catches up).
//
// When the application has not registered an "access" logger, the server makes one. If stdout is
// not a terminal it writes each batch to stdout in one write, formatted by spdlog's global
// pattern; on a terminal, or when asked to use the default logger's sinks, it shares those.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

namespace iamd::http {
class Metrics;
}

namespace iamd::http::detail {

class AccessLog {
 public:
  using TimePoint = std::chrono::system_clock::time_point;  // spdlog's log_clock

  struct Options {
    std::size_t batch_lines = 256;
    std::size_t max_pending_lines = 64 * 1024;
    std::chrono::milliseconds max_delay{50};
  };

  /// A batch of lines: their text back to back, and where each one starts.
  struct Batch {
    struct Line {
      TimePoint time;
      std::uint32_t offset;
      std::uint32_t length;
    };
    std::string text;
    std::vector<Line> lines;
    void clear() {
      text.clear();
      lines.clear();
    }
  };

  /// Lines of one I/O thread not yet handed over. Used by that thread only.
  class Buffer {
   public:
    /// Starts a line stamped `time`: append its text to the returned string, then end_line().
    std::string& begin_line(TimePoint time) {
      start_ = batch_.text.size();
      time_ = time;
      return batch_.text;
    }
    void end_line() {
      batch_.lines.push_back({time_, static_cast<std::uint32_t>(start_),
                              static_cast<std::uint32_t>(batch_.text.size() - start_)});
    }
    bool empty() const { return batch_.lines.empty(); }
    std::size_t lines() const { return batch_.lines.size(); }

   private:
    friend class AccessLog;
    Batch batch_;
    std::size_t start_ = 0;
    TimePoint time_;
  };

  /// Writes to `logger`, counting drops in `metrics`. Starts the writer thread.
  AccessLog(std::shared_ptr<spdlog::logger> logger, Metrics& metrics, Options options);
  AccessLog(std::shared_ptr<spdlog::logger> logger, Metrics& metrics)
      : AccessLog(std::move(logger), metrics, Options{}) {}
  /// Writes out every line handed over, then stops the writer thread.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  /// The "access" logger registered by the application, or one the server makes (see above).
  static std::shared_ptr<spdlog::logger> default_logger();

  /// Whether lines are wanted at all (the logger's level; a relaxed atomic load).
  bool enabled() const { return logger_->should_log(spdlog::level::info); }
  const Options& options() const { return options_; }

  /// Hands the buffer's lines to the writer and empties it. Never waits for the writer: beyond
  /// max_pending_lines the lines are dropped and counted instead.
  void submit(Buffer& buffer);

  /// Waits until every line submitted so far has been given to the logger, and flushes it.
  /// For shutdown and tests; not for the request path.
  void flush();

  /// Lines dropped so far because the writer was too far behind.
  std::uint64_t dropped() const;

 private:
  void run();
  void write(const Batch& batch);

  const std::shared_ptr<spdlog::logger> logger_;
  Metrics& metrics_;
  const Options options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  std::vector<Batch> queue_;        // guarded by mutex_
  std::vector<Batch> spare_;        // emptied batches for reuse (keep their capacity)
  std::size_t pending_lines_ = 0;   // lines in queue_ and being written
  std::uint64_t submitted_ = 0;     // batches accepted
  std::uint64_t completed_ = 0;     // batches written
  std::uint64_t dropped_ = 0;
  std::uint64_t dropped_reported_ = 0;  // writer thread only
  bool stopping_ = false;
  std::thread writer_;  // last: starts once everything above is initialised
};

}  // namespace iamd::http::detail
