#include "audit/broker.h"

#include <spdlog/spdlog.h>

#include "audit/render.h"
#include "core/thread_name.h"

namespace iamd::audit {
namespace {

// The writer is woken early once this many records wait; below it, it wakes every max_delay.
// Waking it for every record would cost each request a futex call. Larger batches cost the
// writer less per record (1.3-1.5 us at 4096 against 1.55-1.6 at 512, GetCallerIdentity at
// 75,000/s), but not the server: their records no longer fit the caches between the request
// threads that render them and the writer, and throughput and p99 came out no better.
constexpr std::size_t kWakeAt = 512;
// At shutdown a failing sink gets this many more tries before its records are reported lost.
constexpr int kShutdownTries = 3;

}  // namespace

Broker::Broker(std::vector<Sink*> sinks, const core::Clock& clock, core::Random& random,
               Observer observer, Options options)
    : sinks_(std::move(sinks)),
      clock_(clock),
      random_(random),
      observer_(std::move(observer)),
      options_(options) {
  queue_.reserve(kWakeAt * 2);
  writer_ = std::thread([this] {
    core::name_this_thread("iamd-audit");
    run();
  });
}

Broker::~Broker() { stop(); }

void Broker::publish(Event event) {
  if (observer_) observer_(event);
  std::vector<Record> records = render(event, random_);
  std::unique_lock lock(mutex_);
  if (!writer_.joinable()) {
    // After stop(): a late request (there should be none) is written on the caller's thread.
    lock.unlock();
    write_batch(records);
    return;
  }
  space_or_written_.wait(lock, [&] { return queue_.size() < options_.capacity || stopping_; });
  const bool wake = queue_.size() < kWakeAt && queue_.size() + records.size() >= kWakeAt;
  for (Record& r : records) queue_.push_back(std::move(r));
  published_ += records.size();
  lock.unlock();
  if (wake) wake_writer_.notify_one();
}

void Broker::wait_for_writes(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = published_;
  if (written_ >= target || !writer_.joinable()) return;
  ++waiting_readers_;
  wake_writer_.notify_one();
  space_or_written_.wait_for(lock, limit, [&] { return written_ >= target; });
  --waiting_readers_;
}

void Broker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!writer_.joinable()) return;
    stopping_ = true;
  }
  wake_writer_.notify_one();
  space_or_written_.notify_all();
  writer_.join();
}

std::uint64_t Broker::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void Broker::run() {
  std::vector<Record> batch;
  batch.reserve(kWakeAt * 2);
  core::TimePoint last_maintain = clock_.now();
  for (;;) {
    std::uint64_t upto = 0;
    bool done = false;
    {
      std::unique_lock lock(mutex_);
      wake_writer_.wait_for(lock, options_.max_delay, [&] {
        return stopping_ || queue_.size() >= kWakeAt || waiting_readers_ > 0;
      });
      batch.swap(queue_);
      upto = published_;
      done = stopping_ && batch.empty();
    }
    space_or_written_.notify_all();  // room in the queue again
    if (done) break;
    if (!batch.empty()) write_batch(batch);
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      written_ = upto;
    }
    space_or_written_.notify_all();
    const core::TimePoint now = clock_.now();
    if (now - last_maintain >= options_.maintain_every) {
      for (Sink* sink : sinks_) sink->maintain(now);
      last_maintain = now;
    }
  }
  for (Sink* sink : sinks_) sink->maintain(clock_.now());
}

void Broker::write_batch(std::vector<Record>& records) {
  for (Sink* sink : sinks_) {
    for (int attempt = 1;; ++attempt) {
      core::Status written = sink->write(records);
      if (written) break;
      bool stopping;
      {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
      }
      if (stopping && attempt >= kShutdownTries) {
        spdlog::error("audit: {} records not written at shutdown: {}", records.size(),
                      written.error().message);
        break;
      }
      spdlog::error("audit: write failed, retrying: {}", written.error().message);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

}  // namespace iamd::audit
