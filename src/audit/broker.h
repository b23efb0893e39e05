#pragma once
// Between the request path and the sinks: a bounded queue and one writer thread.
//
// publish() runs on the request's thread: it renders the event (render.h) while the request's data
// is still in that core's cache, and queues the records (blocking while the queue is full:
// back-pressure slows callers down rather than dropping events). Rendering there rather than on
// the writer measured cheaper in total: the writer read every event's tree from another core's
// cache and freed it across threads. The writer takes the whole queue at once and hands the batch
// to every sink; a sink that fails gets the same batch again after a pause, so records are
// delayed, never lost. stop() — at shutdown,
// after the server has answered its last request — writes everything still queued, so every
// answered request's event is on disk when the process exits.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/event.h"
#include "audit/sink.h"
#include "core/clock.h"
#include "core/random.h"

namespace iamd::audit {

class Broker {
 public:
  struct Options {
    std::size_t capacity = 16384;  // records queued before publish() blocks
    std::chrono::milliseconds max_delay{50};  // longest an event waits before it is written
    std::chrono::seconds maintain_every{30};  // how often sinks' maintain() runs
  };

  /// Seen by publish() for every event before it is rendered (the last-used dates are fed from
  /// here). Called on request threads: it must be thread-safe.
  using Observer = std::function<void(const Event&)>;

  Broker(std::vector<Sink*> sinks, const core::Clock& clock, core::Random& random,
         Observer observer, Options options);
  Broker(std::vector<Sink*> sinks, const core::Clock& clock, core::Random& random)
      : Broker(std::move(sinks), clock, random, nullptr, Options{}) {}
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// Renders `event` and queues its records; blocks while the queue is full. After stop(),
  /// writes them synchronously.
  void publish(Event event);
  /// Returns once every event published before the call has been written to every sink, or
  /// after `limit` (a sink that keeps failing must not hang a reader).
  void wait_for_writes(std::chrono::milliseconds limit = std::chrono::seconds(5));
  /// Writes what is queued and ends the writer thread. Idempotent.
  void stop();

  /// Records written to every sink so far (for metrics and tests).
  std::uint64_t written() const;

 private:
  void run();
  void write_batch(std::vector<Record>& records);

  std::vector<Sink*> sinks_;
  const core::Clock& clock_;
  core::Random& random_;
  Observer observer_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable space_or_written_;
  std::vector<Record> queue_;
  std::uint64_t published_ = 0;  // sequence of the newest queued record
  std::uint64_t written_ = 0;    // every record up to this one is written
  std::size_t waiting_readers_ = 0;
  bool stopping_ = false;
  bool writer_idle_ = false;
  std::thread writer_;
};

}  // namespace iamd::audit
