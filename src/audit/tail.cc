#include "audit/tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <limits>
#include <thread>

#include "audit/hour_files.h"

namespace iamd::audit {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kUnreadable = "<unreadable record>";
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kRecentDays = 2;
constexpr unsigned kFullScanEvery = 25;

std::string_view member_string(const json::object& o, std::string_view key) {
  if (const json::value* v = o.if_contains(key)) {
    if (const json::string* s = v->if_string()) return *s;
  }
  return {};
}

const json::object* member_object(const json::object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  if (const json::value* v = o->if_contains(key)) return v->if_object();
  return nullptr;
}

// A field as one token of the line: "-" when absent, control characters (a terminal's escape
// sequences among them) as '?'.
void append_field(std::string& line, std::string_view value) {
  if (!line.empty()) line += ' ';
  if (value.empty()) {
    line += '-';
    return;
  }
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    line += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
}

std::string caller_of(const json::object* identity) {
  if (identity == nullptr) return {};
  std::string caller(member_string(*identity, "arn"));
  if (caller.empty()) {
    std::string_view account = member_string(*identity, "accountId");
    if (!account.empty()) caller = "AWSAccount:" + std::string(account);
  }
  std::string_view type = member_string(*identity, "type");
  if (caller.empty()) caller = std::string(type);
  if (type == "AssumedRole") {
    const json::object* attributes =
        member_object(member_object(identity, "sessionContext"), "attributes");
    if (attributes != nullptr && member_string(*attributes, "mfaAuthenticated") == "true") {
      caller += " mfa";
    }
  }
  return caller;
}

// The formatted line and, when the record is readable, its eventTime.
struct Rendered {
  std::optional<std::string> time;
  std::string text;
};

Rendered render(std::string_view text) {
  try {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    const json::object* record = ec ? nullptr : value.if_object();
    if (record == nullptr) return Rendered{std::nullopt, std::string(kUnreadable)};
    std::string_view source = member_string(*record, "eventSource");
    constexpr std::string_view kSuffix = ".amazonaws.com";
    if (source.size() > kSuffix.size() && source.substr(source.size() - kSuffix.size()) == kSuffix) {
      source.remove_suffix(kSuffix.size());
    }
    std::string_view error = member_string(*record, "errorCode");
    std::string line;
    std::string_view time = member_string(*record, "eventTime");
    append_field(line, time);
    append_field(line, member_string(*record, "recipientAccountId"));
    append_field(line, source);
    append_field(line, member_string(*record, "eventName"));
    append_field(line, caller_of(member_object(record, "userIdentity")));
    append_field(line, error.empty() ? std::string_view("OK") : error);
    append_field(line, member_string(*record, "sourceIPAddress"));
    return Rendered{std::string(time), std::move(line)};
  } catch (const std::exception&) {
    return Rendered{std::nullopt, std::string(kUnreadable)};
  }
}

// Splits bytes into lines, keeping the last `keep` complete ones; what follows the last newline
// waits in `carry` for the rest of its line.
class LineCollector {
 public:
  explicit LineCollector(std::size_t keep) : keep_(keep) {}

  void feed(std::string_view data) {
    fed_ += data.size();
    for (;;) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry_.append(data);
        return;
      }
      carry_.append(data.substr(0, nl));
      push(std::move(carry_));
      carry_.clear();
      data.remove_prefix(nl + 1);
    }
  }
  /// At the end of a file that will not grow, a last line without its newline counts too.
  void finish() {
    if (!carry_.empty()) push(std::move(carry_));
    carry_.clear();
  }
  /// Bytes fed up to the end of the last complete line.
  std::int64_t consumed() const { return static_cast<std::int64_t>(fed_ - carry_.size()); }

  /// The kept lines rendered; an unreadable line sorts with the line before it.
  void render_into(std::vector<TailReader::Line>& out) const {
    std::string previous;
    for (const std::string& raw : lines_) {
      Rendered r = render(raw);
      if (r.time) previous = *r.time;
      out.push_back(TailReader::Line{previous, std::move(r.text)});
    }
  }

 private:
  void push(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return;
    lines_.push_back(std::move(line));
    if (lines_.size() > keep_) lines_.pop_front();
  }

  std::size_t keep_;
  std::size_t fed_ = 0;
  std::string carry_;
  std::deque<std::string> lines_;
};

// Reads fd from `from` to its current end.
void read_from(int fd, std::int64_t from, LineCollector& lines) {
  std::array<char, kChunk> buf{};
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), from);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    lines.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    from += n;
  }
}

// Reads a whole .gz (a .gz only ever appears whole). False when it cannot be opened.
bool read_gz(const fs::path& path, LineCollector& lines) {
  gzFile z = ::gzopen(path.c_str(), "rb");
  if (z == nullptr) return false;
  std::array<char, kChunk> buf{};
  for (;;) {
    int n = ::gzread(z, buf.data(), static_cast<unsigned>(buf.size()));
    if (n <= 0) break;  // end, or a damaged tail: keep what came before it
    lines.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::gzclose(z);
  lines.finish();
  return true;
}

// The offset just after the file's last newline (0 when it has none).
std::int64_t end_of_last_line(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return 0;
  std::int64_t pos = st.st_size;
  std::array<char, kChunk> buf{};
  while (pos > 0) {
    std::int64_t len = std::min<std::int64_t>(pos, static_cast<std::int64_t>(buf.size()));
    ssize_t n = ::pread(fd, buf.data(), static_cast<size_t>(len), pos - len);
    if (n < 0 && errno == EINTR) continue;
    if (n != len) return 0;
    for (std::int64_t i = len; i > 0; --i) {
      if (buf[static_cast<size_t>(i - 1)] == '\n') return pos - len + i;
    }
    pos -= len;
  }
  return 0;
}

// Sorted names of the entries of `dir` that are directories (or regular files).
std::vector<std::string> list(const fs::path& dir, bool directories) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    auto type = it->symlink_status(ec).type();
    if (ec) break;
    if (directories ? type == fs::file_type::directory : type == fs::file_type::regular) {
      names.push_back(it->path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool digits(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void sort_by_time(std::vector<TailReader::Line>& lines) {
  std::stable_sort(lines.begin(), lines.end(),
                   [](const TailReader::Line& a, const TailReader::Line& b) { return a.time < b.time; });
}

std::vector<std::string> texts(std::vector<TailReader::Line>&& lines) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (auto& line : lines) out.push_back(std::move(line.text));
  return out;
}

}  // namespace

std::string format_record_line(std::string_view json) { return render(json).text; }

struct TailReader::Found {
  HourFile file;
  fs::path plain;  // where the .jsonl is or was
  bool has_plain = false;
  bool has_gz = false;
};

TailReader::TailReader(fs::path audit_dir, std::string account)
    : dir_(std::move(audit_dir)), account_(std::move(account)) {}

TailReader::~TailReader() {
  for (auto& [key, tracked] : known_) {
    if (tracked.fd >= 0) ::close(tracked.fd);
  }
}

std::map<std::string, TailReader::Found> TailReader::scan(bool full) const {
  std::map<std::string, Found> found;
  std::vector<std::string> accounts;
  if (!account_.empty()) {
    accounts.push_back(account_);
  } else {
    for (std::string& name : list(dir_, true)) {
      if (valid_account(name)) accounts.push_back(std::move(name));
    }
  }
  for (const std::string& account : accounts) {
    std::vector<fs::path> days;  // oldest first
    fs::path account_dir = dir_ / account;
    for (const std::string& y : list(account_dir, true)) {
      if (!digits(y, 4)) continue;
      for (const std::string& m : list(account_dir / y, true)) {
        if (!digits(m, 2)) continue;
        for (const std::string& d : list(account_dir / y / m, true)) {
          if (digits(d, 2)) days.push_back(account_dir / y / m / d);
        }
      }
    }
    if (!full && days.size() > kRecentDays) days.erase(days.begin(), days.end() - kRecentDays);
    for (const fs::path& day : days) {
      for (const std::string& name : list(day, false)) {
        auto file = parse_hour_file_name(name);
        if (!file || file->account != account || file->kind == HourFileKind::Temp) continue;
        HourFileKind kind = file->kind;
        file->kind = HourFileKind::Plain;
        Found& f = found[hour_file_path(*file).string()];
        f.plain = day / hour_file_name(*file);
        (kind == HourFileKind::Plain ? f.has_plain : f.has_gz) = true;
        f.file = std::move(*file);
      }
    }
  }
  return found;
}

void TailReader::read_new(const std::string& key, const Found& found, std::size_t keep,
                          std::vector<Line>& out) {
  Tracked tracked;
  LineCollector lines(keep);
  fs::path gz = found.plain;
  gz += ".gz";
  if (found.has_plain && !found.has_gz) {
    int fd = ::open(found.plain.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      tracked.fd = fd;
      read_from(fd, 0, lines);
      tracked.line_start = lines.consumed();
    } else if (errno == ENOENT) {
      // Compressed since the listing: its .gz was renamed into place before the unlink.
      read_gz(gz, lines);
    }
  } else {
    read_gz(gz, lines);
  }
  lines.render_into(out);
  known_[key] = tracked;
}

void TailReader::skip_to_end(const std::string& key, const Found& found) {
  Tracked tracked;
  if (found.has_plain && !found.has_gz) {
    int fd = ::open(found.plain.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      tracked.fd = fd;
      tracked.line_start = end_of_last_line(fd);
    }
  }
  known_[key] = tracked;
}

void TailReader::drain(Tracked& tracked, std::vector<Line>& out) {
  // The link count is read before the data: once the file is unlinked nothing more is written to
  // it (the sink closed it first), so a drain that starts after seeing 0 reads everything.
  struct stat st {};
  bool final = ::fstat(tracked.fd, &st) != 0 || st.st_nlink == 0;
  LineCollector lines(kAll);
  read_from(tracked.fd, tracked.line_start, lines);
  tracked.line_start += lines.consumed();
  if (final) {
    lines.finish();
    ::close(tracked.fd);
    tracked.fd = -1;
  }
  lines.render_into(out);
}

std::vector<std::string> TailReader::start(std::size_t n) {
  std::map<std::string, Found> found = scan(true);
  std::map<core::TimePoint, std::vector<std::string>, std::greater<>> by_hour;
  for (const auto& [key, f] : found) by_hour[f.file.hour].push_back(key);
  std::size_t need = n;
  std::vector<std::vector<Line>> hours;  // newest first
  for (const auto& [hour, keys] : by_hour) {
    if (need == 0) {
      for (const std::string& key : keys) skip_to_end(key, found.at(key));
      continue;
    }
    std::vector<Line> lines;
    for (const std::string& key : keys) read_new(key, found.at(key), need, lines);
    sort_by_time(lines);
    if (lines.size() > need) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(need));
    need -= lines.size();
    hours.push_back(std::move(lines));
  }
  std::vector<Line> all;
  for (auto it = hours.rbegin(); it != hours.rend(); ++it) {
    std::move(it->begin(), it->end(), std::back_inserter(all));
  }
  return texts(std::move(all));
}

std::vector<std::string> TailReader::poll(bool full_scan) {
  std::vector<Line> lines;
  for (const auto& [key, f] : scan(full_scan)) {
    if (known_.count(key) == 0) read_new(key, f, kAll, lines);
  }
  for (auto& [key, tracked] : known_) {
    if (tracked.fd >= 0) drain(tracked, lines);
  }
  sort_by_time(lines);
  return texts(std::move(lines));
}

int run_tail(const TailOptions& options, std::ostream& out, std::ostream& err,
             const std::atomic<bool>& stop) {
  if (!options.account.empty() && !valid_account(options.account)) {
    err << "iamd: --account must be an account id, got '" << options.account << "'\n";
    return 2;
  }
  TailReader reader(options.data_dir / "audit", options.account);
  std::vector<std::string> first = reader.start(options.lines);
  if (!reader.saw_any_file()) {
    err << "no audit records in " << options.data_dir.string();
    if (!options.account.empty()) err << " for account " << options.account;
    err << '\n' << std::flush;
  }
  for (const std::string& line : first) out << line << '\n';
  out << std::flush;
  if (!options.follow) return 0;
  const auto slice =
      std::clamp(options.poll_interval, std::chrono::milliseconds(1), std::chrono::milliseconds(50));
  for (unsigned round = 1; !stop.load(); ++round) {
    for (auto waited = std::chrono::milliseconds(0); waited < options.poll_interval && !stop.load();
         waited += slice) {
      std::this_thread::sleep_for(slice);
    }
    if (stop.load()) break;
    for (const std::string& line : reader.poll(round % kFullScanEvery == 0)) out << line << '\n';
    out << std::flush;
  }
  return 0;
}

}  // namespace iamd::audit
