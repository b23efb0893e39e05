#pragma once
// An audit::Index held in memory, for the unit tests of modules that look records up (cloudtrail)
// and as the reference the SQLite index is tested against (index_test.cc runs one suite on both).
// Every call takes one mutex; lookups scan every record.

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "audit/index.h"

namespace iamd::audit {

class MemoryIndex final : public Index {
 public:
  core::Status write(std::span<Record> batch) override;
  core::Result<Page> lookup(const Query& query) override;
  core::Status prune(core::TimePoint before) override;

  /// Records held (all accounts).
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  // (time_us, sequence) -> record: iterated backwards, newest first.
  std::map<std::pair<std::int64_t, std::int64_t>, Record> records_;
  std::int64_t next_sequence_ = 1;
};

}  // namespace iamd::audit
