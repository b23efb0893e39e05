#pragma once
// Write-behind for the trail's append-only files (hour files, index segments).
//
// The trail is written once and rarely read back, and at full load it is over 100 MB/s. Left to
// the kernel, every byte stays in the page cache, dirty until the background threshold (10 % of
// memory) and cached after that, so the trail pushes everything else out of memory and the
// writer keeps taking fresh pages. Fresh pages are slow: on a virtual machine whose host backs
// guest memory on first touch, copying into them ran at 0.43 GB/s where reused pages took
// 5 GB/s, and that made the audit writer 3-4x costlier an hour into a load test.
//
// So, as log-structured stores do: each time a chunk of the file is complete, its writeback is
// started (sync_file_range, asynchronous), and the chunk before it, written back by then, is
// dropped from the cache (POSIX_FADV_DONTNEED), its pages free for the next chunk. Advisory
// only: an error changes nothing (the data is written either way) and is ignored. Durability is
// unchanged: whoever needs it still calls fdatasync.

#include <fcntl.h>

#include <cstdint>

namespace iamd::audit {

class WriteBehind {
 public:
  static constexpr std::int64_t kChunkBytes = 4 << 20;

  /// The file was (re)opened with `size` bytes: what is before it is left alone.
  void reset(std::int64_t size) { started_ = dropped_ = size; }

  /// Bytes up to `end` of `fd` are written.
  void wrote(int fd, std::int64_t end) {
    if (end < started_) reset(end);  // the file was cut back (a failed write undone)
    while (end - started_ >= kChunkBytes) {
      ::sync_file_range(fd, started_, kChunkBytes, SYNC_FILE_RANGE_WRITE);
      started_ += kChunkBytes;
      // One chunk of lag: the chunk before has had a chunk's time to be written back (pages
      // still under writeback are skipped by the kernel anyway).
      if (started_ - kChunkBytes > dropped_) {
        ::posix_fadvise(fd, dropped_, started_ - kChunkBytes - dropped_, POSIX_FADV_DONTNEED);
        dropped_ = started_ - kChunkBytes;
      }
    }
  }

 private:
  std::int64_t started_ = 0;  // writeback started for everything before this offset
  std::int64_t dropped_ = 0;  // dropped from the cache before this offset
};

}  // namespace iamd::audit
