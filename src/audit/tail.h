#pragma once
// `iamd audit tail`: the audit trail's files (hour_files.h, written by file_sink.h) as readable
// lines, the last N of them and then, with --follow, each new record as it is written.
//
// Following works on the files alone, while the server writes, compresses and deletes them:
//  * a file is known by its logical name (the `.jsonl` path, whether it exists now as `.jsonl` or
//    `.jsonl.gz`) and read once: a name seen before is never read again from its other form;
//  * a `.jsonl` is read through a descriptor held open, from the end of its last complete line
//    (a partial last line waits for its newline);
//  * the sink closes a file before it compresses it and renames the `.gz` into place before it
//    unlinks the `.jsonl`. So when the held file's link count drops to 0, the reader drains it to
//    its end (nothing more can be written to it) and closes it, and its `.gz` is skipped; a file
//    first seen as `.gz` is read whole; a `.jsonl` that vanishes between listing and opening is
//    read from its `.gz`, which exists by then.
// New files are found by listing the two newest day directories of each account on every poll,
// and the whole tree every 25th poll (for late records filed under older hours).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::audit {

struct TailOptions {
  std::filesystem::path data_dir = "./iamd-data";  // records are in data_dir/audit
  std::string account;                             // empty: every account
  std::size_t lines = 20;                          // how many past records to print first
  bool follow = false;
  std::chrono::milliseconds poll_interval{200};
};

/// One record as one line:
///   <eventTime> <recipientAccountId> <service> <eventName> <caller> <OK|errorCode> <sourceIP>
/// service is eventSource without ".amazonaws.com"; caller is userIdentity.arn, else
/// "AWSAccount:<accountId>", else userIdentity.type, followed by " mfa" for an AssumedRole whose
/// session was MFA-authenticated. A missing field shows as "-"; control characters as '?'.
/// Anything but a JSON object gives "<unreadable record>".
std::string format_record_line(std::string_view json);

/// Reads the files under an audit directory; start() once, then poll() as often as wanted.
class TailReader {
 public:
  /// `account` empty: every account.
  TailReader(std::filesystem::path audit_dir, std::string account);
  ~TailReader();
  TailReader(const TailReader&) = delete;
  TailReader& operator=(const TailReader&) = delete;

  /// The last `n` records of the trail, formatted, oldest first (files by hour, records of one
  /// hour by eventTime), and the position that poll() continues from.
  std::vector<std::string> start(std::size_t n);
  /// The records written since the previous call, formatted, ordered by eventTime. `full_scan`
  /// lists the whole tree instead of the two newest day directories of each account.
  std::vector<std::string> poll(bool full_scan);
  /// Whether any file of the trail has been seen.
  bool saw_any_file() const { return !known_.empty(); }

  struct Line {
    std::string time;  // eventTime, the ordering key
    std::string text;  // formatted
  };

 private:
  struct Found;  // a logical file as a listing found it
  struct Tracked {
    int fd = -1;  // the open .jsonl; -1 once the file is read for good
    std::int64_t line_start = 0;  // where the first line not yet printed starts
  };

  std::map<std::string, Found> scan(bool full) const;
  void read_new(const std::string& key, const Found& found, std::size_t keep,
                std::vector<Line>& out);
  void drain(Tracked& tracked, std::vector<Line>& out);
  void skip_to_end(const std::string& key, const Found& found);

  std::filesystem::path dir_;
  std::string account_;
  std::map<std::string, Tracked> known_;  // by logical name (relative .jsonl path)
};

/// Prints the last options.lines records, then (follow) new ones until `stop` is set. A data
/// directory without records prints "no audit records in DIR" to `err`; following then waits for
/// them. Returns the exit status: 0, or 2 for an --account that is not an account id.
int run_tail(const TailOptions& options, std::ostream& out, std::ostream& err,
             const std::atomic<bool>& stop);

}  // namespace iamd::audit
