#include "http/server/access_log.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "http/server/metrics.h"
#include "core/thread_name.h"

namespace iamd::http::detail {
namespace {

// Console sinks write and flush every line (a write(2) each); this one formats into a buffer and
// writes it when the access log's writer flushes after each batch.
class BatchedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= kFlushBytes) flush_();
  }
  void flush_() override {
    if (buffer_.size() != 0) {
      std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
      buffer_.clear();
    }
    std::fflush(stdout);
  }

 private:
  static constexpr std::size_t kFlushBytes = 64 * 1024;
  spdlog::memory_buf_t buffer_;
};

// Whether `sink` is spdlog's console sink on stdout, which the default logger uses.
bool is_stdout_console(spdlog::sinks::sink* sink) {
  using namespace spdlog::sinks;
  return dynamic_cast<ansicolor_stdout_sink_mt*>(sink) != nullptr ||
         dynamic_cast<ansicolor_stdout_sink_st*>(sink) != nullptr ||
         dynamic_cast<stdout_sink_mt*>(sink) != nullptr ||
         dynamic_cast<stdout_sink_st*>(sink) != nullptr;
}

constexpr std::size_t kMaxSpareBatches = 8;
constexpr std::size_t kMaxSpareBytes = 256 * 1024;  // a batch of huge paths is not kept

}  // namespace

std::shared_ptr<spdlog::logger> AccessLog::default_logger() {
  if (auto existing = spdlog::get("access")) return existing;
  std::shared_ptr<spdlog::logger> logger;
  auto def = spdlog::default_logger();
  if (!def) {
    logger = std::make_shared<spdlog::logger>("access");
  } else if (def->sinks().size() == 1 && is_stdout_console(def->sinks()[0].get()) &&
             ::isatty(STDOUT_FILENO) == 0) {
    // The default logger writes to stdout, and no one is watching the colours: same lines,
    // same pattern (spdlog's default), written a batch at a time.
    logger = std::make_shared<spdlog::logger>("access", std::make_shared<BatchedStdoutSink>());
  } else {
    logger = std::make_shared<spdlog::logger>("access", def->sinks().begin(), def->sinks().end());
  }
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    if (auto existing = spdlog::get("access")) return existing;  // another thread was first
  }
  return logger;
}

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> logger, Metrics& metrics, Options options)
    : logger_(std::move(logger)), metrics_(metrics), options_(options) {
  writer_ = std::thread([this] {
    core::name_this_thread("iamd-accesslog");
    run();
  });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  writer_.join();
}

void AccessLog::submit(Buffer& buffer) {
  if (buffer.empty()) return;
  const std::size_t lines = buffer.lines();
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_lines_ + lines > options_.max_pending_lines) {
      dropped_ += lines;
      metrics_.add_access_log_dropped(lines);
      buffer.batch_.clear();
      return;
    }
    wake = queue_.empty();
    pending_lines_ += lines;
    ++submitted_;
    queue_.push_back(std::move(buffer.batch_));
    if (!spare_.empty()) {
      buffer.batch_ = std::move(spare_.back());
      spare_.pop_back();
    } else {
      buffer.batch_ = Batch{};
    }
  }
  if (wake) wake_writer_.notify_one();  // otherwise the writer is busy and will look again
}

void AccessLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = submitted_;
  written_.wait(lock, [&] { return completed_ >= target; });
}

std::uint64_t AccessLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AccessLog::run() {
  std::vector<Batch> work;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything written
    work.swap(queue_);
    const std::uint64_t dropped = dropped_;
    lock.unlock();

    for (const Batch& batch : work) write(batch);
    if (dropped > dropped_reported_) {
      logger_->warn("access log: {} line(s) dropped, the log writer fell behind",
                    dropped - dropped_reported_);
      dropped_reported_ = dropped;
    }
    try {
      logger_->flush();
    } catch (...) {
      // spdlog reports sink errors through its error handler; nothing more to do here.
    }

    lock.lock();
    std::size_t lines = 0;
    for (Batch& batch : work) {
      lines += batch.lines.size();
      if (spare_.size() < kMaxSpareBatches && batch.text.capacity() <= kMaxSpareBytes) {
        batch.clear();
        spare_.push_back(std::move(batch));
      }
    }
    work.clear();
    pending_lines_ -= lines;
    completed_ = submitted_ - queue_.size();
    written_.notify_all();
  }
}

void AccessLog::write(const Batch& batch) {
  for (const Batch::Line& line : batch.lines) {
    logger_->log(line.time, spdlog::source_loc{}, spdlog::level::info,
                 spdlog::string_view_t(batch.text.data() + line.offset, line.length));
  }
}

}  // namespace iamd::http::detail
