#pragma once
// FileSink: the audit trail as JSON-lines files, one per account per UTC hour, in the layout of
// hour_files.h (DATA_DIR/audit/<account>/<YYYY>/<MM>/<DD>/..._CloudTrail_<YYYYMMDD>T<HH>Z.jsonl).
// Each record's `json` is one line. This is the copy operators keep, ship and grep, and the only
// copy of each record's JSON: write() notes where each line went (Record::file), the index
// (index.h) keeps that place, and LookupEvents reads the line back (hour_file_reader.h).
//
// Writing: every record goes to the file of its `account` and the UTC hour of its `time`. The
// part of a batch bound for one file is appended with a single write(2), so a reader sees whole
// lines, apart from a last line still being written. Files of recent hours stay open.
//
// Housekeeping (maintain): a file whose hour ended more than kGrace ago is closed and compressed
// to `.jsonl.gz` (temp file, fsync, rename, then the `.jsonl` is removed; a crash at any point
// leaves either the whole `.jsonl` or the whole `.gz`, and the next maintain finishes the job).
// The `.gz` is a series of independent gzip members of whole lines (gzip_members.h): one record
// is read back by inflating one member, and to zcat it is one file.
// The first maintain scans the whole tree, so `.jsonl` files a previous run left behind are
// compressed too. With a retention, files of hours that ended longer ago are deleted, and the
// directories they leave empty.
//
// Late records: a record whose hour's file is already compressed is appended to a new part file
// `..._<HH>Z_<n>.jsonl` (the first n whose `.gz` does not exist yet), itself compressed at the next
// maintain. A part file is a plain JSON-lines file like any other: no reader has to understand
// appended gzip members, and a `.gz` is never modified once it exists.
//
// Compressing a busy hour takes seconds (about 130 MB/s), and the broker's writer calls maintain():
// with compress_in_background (the server's setting) maintain() only queues finished hours, and
// a thread of the sink's own compresses them, so the writer never stops for it. A part being
// compressed is skipped like one already compressed: a late record goes to the next part.
//
// Directories are created with mode 0700 and files with 0600: records name principals, keys and
// source addresses. Threading: write() and maintain() are called from one thread (sink.h).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "audit/hour_files.h"
#include "audit/sink.h"
#include "audit/write_behind.h"

namespace iamd::audit {

struct FileSinkOptions {
  std::filesystem::path dir;          // DATA_DIR/audit; created on first use
  std::chrono::hours retention{0};    // 0: keep forever
  bool sync = false;                  // fdatasync after each batch
  std::size_t max_open_files = 64;    // open hour files kept beyond this are closed, LRU first
  bool compress_in_background = false;  // maintain() queues finished hours for the sink's thread
};

class FileSink final : public Sink {
 public:
  /// How long after its hour ends a file stays open for late records before it is compressed.
  static constexpr std::chrono::minutes kGrace{2};

  /// Does no I/O: directories are created by the first write, the tree is scanned by the first
  /// maintain.
  explicit FileSink(FileSinkOptions options);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  /// Appends each record to its hour file and sets its `file`. ServiceFailure when a directory or file cannot be
  /// created or written; the records of files already written are remembered, so the broker's
  /// retry of the same batch does not write them twice. Never throws.
  core::Status write(std::span<Record> batch) override;

  /// Closes and compresses finished hours, applies retention. Failures are logged and retried at
  /// the next call; never throws.
  void maintain(core::TimePoint now) override;

  /// The first failure of the last maintain(), or success; for tests and health reporting. A
  /// background compression's failure is reported by the maintain() after it.
  const core::Status& last_maintain_status() const { return maintain_status_; }

  /// Returns once no compression is queued or running (background compression).
  void wait_for_compression();

 private:
  struct OpenFile {
    int fd = -1;
    int part = 0;           // which file of the hour (hour_files.h)
    std::int64_t size = 0;  // bytes in the file: we are its only writer
    bool needs_newline = false;  // the file ends in a partial line (a crash, a failed write)
    std::uint64_t last_use = 0;
    WriteBehind write_behind;
  };
  // (account, hour) -> the hour's open file.
  using Key = std::pair<std::string, core::TimePoint>;

  core::Result<OpenFile*> open_for(const std::string& account, core::TimePoint hour);
  core::Status append(const Key& key, OpenFile& file, const std::string& lines);
  void close_file(const Key& key);
  void close_lru();
  void scan_tree(core::TimePoint now);
  /// Compresses now, or queues it with compress_in_background.
  void compress(const std::filesystem::path& plain);
  /// Whether `plain` is queued or being compressed in the background.
  bool compressing(const std::filesystem::path& plain);
  void run_compressor();
  void note_failure(const core::Status& status);

  FileSinkOptions options_;
  std::map<Key, OpenFile> open_;
  std::uint64_t use_counter_ = 0;
  // Records written by a batch that failed part way, by event id (see write()).
  std::unordered_map<std::string, FileLocation> written_of_failed_batch_;
  bool scanned_ = false;       // the first maintain scanned the tree
  bool rescan_ = false;        // a maintain step failed or files were closed: scan again
  core::TimePoint last_scan_hour_{};
  core::Status maintain_status_;

  // Background compression: the queue and the files in it or being compressed, shared with the
  // compressor thread (started by the first compression queued).
  std::mutex compress_mutex_;
  std::condition_variable compress_wake_;
  std::condition_variable compress_idle_;
  std::deque<std::filesystem::path> compress_queue_;
  std::set<std::string> compressing_;
  std::optional<core::Error> compress_failure_;  // for the next maintain() to report
  bool compress_stop_ = false;
  std::atomic<bool> abandon_{false};  // set at destruction: a compression in progress stops
  std::thread compressor_;
};

}  // namespace iamd::audit
