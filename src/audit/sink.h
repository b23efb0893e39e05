#pragma once
// Where records go. The broker (broker.h) hands every sink the records of a batch, in the order
// requests were answered, from its one writer thread: a sink needs no locking of its own for
// write() and maintain(). The sinks see a batch in turn, and a sink may note in the records what
// the later ones should know (the file sink sets Record::file; the index, after it, uses it).

#include <span>

#include "audit/record.h"
#include "core/clock.h"
#include "core/result.h"

namespace iamd::audit {

class Sink {
 public:
  virtual ~Sink() = default;
  /// Writes a batch durably enough that a clean shutdown loses none of it. On failure the broker
  /// logs the error and retries the same batch later (it never drops records).
  virtual core::Status write(std::span<Record> batch) = 0;
  /// Periodic housekeeping (closing finished hourly files, retention), called from the writer
  /// thread at least once a minute and once more at shutdown.
  virtual void maintain(core::TimePoint /*now*/) {}
};

}  // namespace iamd::audit
