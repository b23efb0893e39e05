#pragma once
// Between the request path and the sinks: a bounded queue and one writer thread.
//
// publish() is all a request pays: it moves the event into the queue (blocking while the queue is
// full: back-pressure slows callers down rather than dropping events). The writer takes the whole
// queue at once, renders it (render.h) and hands the batch to every sink; a sink that fails gets
// the same batch again after a pause, so records are delayed, never lost. stop() — at shutdown,
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
    std::size_t capacity = 16384;  // events queued before publish() blocks
    std::chrono::milliseconds max_delay{50};  // longest an event waits before it is written
    std::chrono::seconds maintain_every{30};  // how often sinks' maintain() runs
  };

  /// Seen by the writer thread for every event before it is rendered (the last-used dates are
  /// fed from here, off the request path).
  using Observer = std::function<void(const Event&)>;

  Broker(std::vector<Sink*> sinks, const core::Clock& clock, core::Random& random,
         Observer observer, Options options);
  Broker(std::vector<Sink*> sinks, const core::Clock& clock, core::Random& random)
      : Broker(std::move(sinks), clock, random, nullptr, Options{}) {}
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// Queues `event`; blocks while the queue is full. After stop(), writes it synchronously.
  void publish(Event event);
  /// Returns once every event published before the call has been written to every sink, or
  /// after `limit` (a sink that keeps failing must not hang a reader).
  void wait_for_writes(std::chrono::milliseconds limit = std::chrono::seconds(5));
  /// Writes what is queued and ends the writer thread. Idempotent.
  void stop();

  /// Events written to every sink so far (for metrics and tests).
  std::uint64_t written() const;

 private:
  void run();
  void write_batch(std::vector<Event>& events);

  std::vector<Sink*> sinks_;
  const core::Clock& clock_;
  core::Random& random_;
  Observer observer_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable space_or_written_;
  std::vector<Event> queue_;
  std::uint64_t published_ = 0;  // sequence of the newest queued event
  std::uint64_t written_ = 0;    // every event up to this one is written
  std::size_t waiting_readers_ = 0;
  bool stopping_ = false;
  bool writer_idle_ = false;
  std::thread writer_;
};

}  // namespace iamd::audit
