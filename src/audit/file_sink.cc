#include "audit/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "audit/gzip_members.h"
#include "core/thread_name.h"

namespace iamd::audit {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::Status;

Error io_error(std::string_view what, const fs::path& path, int err) {
  return Error{ErrorCode::ServiceFailure,
               "audit file sink: " + std::string(what) + " " + path.string() + ": " +
                   std::strerror(err)};
}

// Closes a descriptor on every path out of a scope.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// mkdir -p with mode 0700 for every directory it creates.
Status make_dirs(const fs::path& path) {
  if (path.empty()) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return io_error("not a directory:", path, ENOTDIR);
  }
  fs::path parent = path.parent_path();
  if (parent != path) IAMD_TRY(make_dirs(parent));
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return io_error("cannot create directory", path, errno);
  }
  return {};
}

bool path_exists(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Writes all of data, through EINTR and short writes. Returns 0 or errno; `written` counts the
// bytes that reached the file either way.
int write_all(int fd, std::string_view data, std::size_t& written) {
  written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

// fsyncs a directory so that a rename or a new entry in it survives a crash.
void sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The record's line: its JSON without raw line breaks (only insignificant whitespace can be one
// in valid JSON, so turning them into spaces keeps the meaning) and a '\n'.
void append_line(std::string& out, const std::string& json) {
  size_t start = out.size();
  out += json;
  // Two memchr scans: find_first_of would call memchr once per byte of the record.
  if (json.find('\n') != std::string::npos || json.find('\r') != std::string::npos) {
    std::replace_if(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
                    [](char c) { return c == '\n' || c == '\r'; }, ' ');
  }
  out += '\n';
}

fs::path with_kind(const fs::path& dir, HourFile file, HourFileKind kind) {
  file.kind = kind;
  return dir / hour_file_path(file);
}

// `plain` as its `.jsonl.gz` (see file_sink.h for the steps and why a crash leaves whole files).
// Gives up, removing its temp file, once `abandon` is set.
Status compress_hour(const fs::path& plain, const std::atomic<bool>& abandon) {
  fs::path gz = plain;
  gz += ".gz";
  fs::path tmp = gz;
  tmp += ".tmp";
  Fd in(::open(plain.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.fd < 0) {
    if (errno == ENOENT) return {};
    return io_error("cannot open", plain, errno);
  }
  Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.fd < 0) return io_error("cannot create", tmp, errno);
  auto fail = [&](std::string_view what, const fs::path& path, int err) {
    ::unlink(tmp.c_str());
    return io_error(what, path, err);
  };
  // Independent members of whole lines (gzip_members.h): the index reads a record back by
  // inflating only the member that holds it.
  gzip_members::MemberWriter z(out.fd);
  std::vector<char> buf(65536);
  char last = '\n';
  int err = 0;
  for (;;) {
    ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    if (abandon.load(std::memory_order_relaxed)) {
      err = ECANCELED;
      break;
    }
    last = buf[static_cast<std::size_t>(n) - 1];
    if ((err = z.add(std::string_view(buf.data(), static_cast<std::size_t>(n)))) != 0) break;
  }
  // A line cut short by a crash still ends with a newline in the archive.
  if (err == 0 && last != '\n') err = z.add("\n");
  if (err == 0) err = z.finish();
  if (err != 0) return fail("cannot compress", plain, err);
  if (::fsync(out.fd) != 0) return fail("cannot sync", tmp, errno);
  if (::rename(tmp.c_str(), gz.c_str()) != 0) return fail("cannot rename", tmp, errno);
  sync_dir(plain.parent_path());
  // INVARIANT: the .gz is whole before the .jsonl goes; readers always find one of them.
  if (::unlink(plain.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", plain, errno);
  return {};
}

}  // namespace

FileSink::FileSink(FileSinkOptions options) : options_(std::move(options)) {
  if (options_.max_open_files == 0) options_.max_open_files = 1;
}

FileSink::~FileSink() {
  {
    std::lock_guard lock(compress_mutex_);
    compress_stop_ = true;
  }
  abandon_ = true;  // an hour half compressed is compressed again at the next start
  compress_wake_.notify_all();
  if (compressor_.joinable()) compressor_.join();
  for (auto& [key, file] : open_) {
    if (options_.sync) ::fdatasync(file.fd);
    ::close(file.fd);
  }
}

Status FileSink::write(std::span<Record> batch) {
  try {
    struct Group {
      Key key;
      std::string lines;
      std::vector<Record*> records;
      std::vector<std::int64_t> line_starts;  // each record's line, from the start of `lines`
    };
    std::vector<Group> groups;
    std::map<Key, std::size_t> group_of;
    std::size_t batch_bytes = 0;
    for (const Record& record : batch) batch_bytes += record.json.size() + 1;
    const bool retrying = !written_of_failed_batch_.empty();
    // A batch is mostly one account's one hour: the previous record's group is tried first.
    std::size_t last_group = SIZE_MAX;
    for (Record& record : batch) {
      if (retrying && !record.event_id.empty()) {
        // Written before this batch failed; the broker is retrying it.
        if (auto it = written_of_failed_batch_.find(record.event_id);
            it != written_of_failed_batch_.end()) {
          record.file = it->second;
          continue;
        }
      }
      const core::TimePoint hour = hour_of(record.time);
      if (last_group == SIZE_MAX || groups[last_group].key.second != hour ||
          groups[last_group].key.first != file_account(record.account)) {
        Key key{std::string(file_account(record.account)), hour};
        auto [it, inserted] = group_of.try_emplace(key, groups.size());
        if (inserted) {
          groups.push_back(Group{key, {}, {}, {}});
          // Most batches are one group: size its text for the whole batch once.
          if (groups.size() == 1) groups.back().lines.reserve(batch_bytes);
        }
        last_group = it->second;
      }
      Group& group = groups[last_group];
      group.line_starts.push_back(static_cast<std::int64_t>(group.lines.size()));
      append_line(group.lines, record.json);
      group.records.push_back(&record);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      Group& group = groups[g];
      Status st = [&]() -> Status {
        auto file = open_for(group.key.first, group.key.second);
        if (!file) return file.error();
        const std::int64_t start = (*file)->size + ((*file)->needs_newline ? 1 : 0);
        IAMD_TRY(append(group.key, **file, group.lines));
        for (std::size_t i = 0; i < group.records.size(); ++i) {
          const std::int64_t begin = group.line_starts[i];
          const std::int64_t end = i + 1 < group.records.size()
                                       ? group.line_starts[i + 1]
                                       : static_cast<std::int64_t>(group.lines.size());
          group.records[i]->file = FileLocation{(*file)->part, start + begin,
                                                static_cast<std::uint32_t>(end - begin - 1)};
        }
        return {};
      }();
      if (!st) {
        // Remember what is on disk already, so that the broker's retry does not write it twice.
        for (std::size_t done = 0; done < g; ++done) {
          for (const Record* r : groups[done].records) {
            if (!r->event_id.empty()) written_of_failed_batch_.emplace(r->event_id, *r->file);
          }
        }
        return st;
      }
    }
    if (options_.sync) {
      for (const Group& group : groups) {
        auto it = open_.find(group.key);
        if (it != open_.end() && ::fdatasync(it->second.fd) != 0) {
          int err = errno;
          // The lines are in the file; only their durability is in doubt. Dropping the fd makes
          // the next write reopen it, and the retry will not write these records again.
          close_file(group.key);
          return io_error("cannot sync", fs::path(group.key.first), err);
        }
      }
    }
    written_of_failed_batch_.clear();
    return {};
  } catch (const std::exception& e) {
    return Error{ErrorCode::ServiceFailure, std::string("audit file sink: ") + e.what()};
  }
}

core::Result<FileSink::OpenFile*> FileSink::open_for(const std::string& account,
                                                    core::TimePoint hour) {
  Key key{account, hour};
  if (auto it = open_.find(key); it != open_.end()) {
    it->second.last_use = ++use_counter_;
    return &it->second;
  }
  while (open_.size() >= options_.max_open_files) close_lru();
  fs::path dir = options_.dir / hour_dir(account, hour);
  IAMD_TRY(make_dirs(dir));
  // The first part of the hour not compressed yet: the hour's own file until maintain compresses
  // it, then _1, _2, ... for records that arrive later.
  HourFile name{account, hour, 0, HourFileKind::Plain};
  while (path_exists(with_kind(options_.dir, name, HourFileKind::Gzip)) ||
         compressing(options_.dir / hour_file_path(name))) {
    if (++name.part > 1'000'000) return io_error("too many part files for", dir, EMLINK);
  }
  fs::path path = options_.dir / hour_file_path(name);
  // Read-write only to look at the last byte; every write appends.
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_error("cannot stat", path, err);
  }
  OpenFile file{fd, name.part, static_cast<std::int64_t>(st.st_size), false, ++use_counter_, {}};
  file.write_behind.reset(file.size);
  if (st.st_size > 0) {
    // A previous run may have died in the middle of a line: start ours on a fresh one.
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') file.needs_newline = true;
  }
  if (options_.sync) sync_dir(dir);
  return &open_.emplace(std::move(key), file).first->second;
}

Status FileSink::append(const Key& key, OpenFile& file, const std::string& lines) {
  std::string prefixed;
  std::string_view data = lines;
  if (file.needs_newline) {
    prefixed = "\n" + lines;
    data = prefixed;
  }
  std::size_t written = 0;
  int err = write_all(file.fd, data, written);
  if (err == 0) {
    file.size += static_cast<std::int64_t>(written);
    file.needs_newline = false;
    file.write_behind.wrote(file.fd, file.size);
    return {};
  }
  // Undo a partial write so the retry's lines are whole; if that fails too, the fragment becomes a
  // line of its own (readers show it as unreadable).
  if (written > 0) {
    if (::ftruncate(file.fd, file.size) != 0) {
      file.size += static_cast<std::int64_t>(written);
      file.needs_newline = true;
    }
  }
  fs::path path = options_.dir / hour_dir(key.first, key.second);
  return io_error("cannot write in", path, err);
}

void FileSink::close_file(const Key& key) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  ::close(it->second.fd);
  open_.erase(it);
}

void FileSink::close_lru() {
  auto oldest = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
    return a.second.last_use < b.second.last_use;
  });
  if (oldest != open_.end()) close_file(oldest->first);
}

void FileSink::note_failure(const Status& status) {
  if (status) return;
  spdlog::warn("{}", status.error().message);
  rescan_ = true;
  if (maintain_status_) maintain_status_ = status;
}

void FileSink::maintain(core::TimePoint now) {
  try {
    maintain_status_ = Status{};
    {
      std::lock_guard lock(compress_mutex_);
      if (compress_failure_) {
        note_failure(*compress_failure_);
        compress_failure_.reset();
      }
    }
    // A finished hour's file is closed once the grace for late records has passed.
    for (auto it = open_.begin(); it != open_.end();) {
      if (it->first.second + std::chrono::hours(1) + kGrace <= now) {
        ::close(it->second.fd);
        it = open_.erase(it);
        rescan_ = true;
      } else {
        ++it;
      }
    }
    // The tree is scanned at startup, when files were closed or a step failed, and each new hour
    // (retention deadlines fall on hour boundaries, retention being whole hours).
    core::TimePoint hour = hour_of(now);
    if (!scanned_ || rescan_ || hour != last_scan_hour_) {
      scanned_ = true;
      rescan_ = false;
      last_scan_hour_ = hour;
      scan_tree(now);
    }
  } catch (const std::exception& e) {
    note_failure(Error{ErrorCode::ServiceFailure, std::string("audit file sink: ") + e.what()});
  }
}

void FileSink::scan_tree(core::TimePoint now) {
  std::error_code ec;
  if (!fs::is_directory(options_.dir, ec)) return;
  struct Found {
    fs::path path;
    HourFile file;
  };
  std::vector<Found> found;
  std::vector<fs::path> dirs;
  fs::recursive_directory_iterator it(options_.dir, fs::directory_options::skip_permission_denied,
                                     ec);
  fs::recursive_directory_iterator end;
  if (ec) return note_failure(io_error("cannot list", options_.dir, ec.value()));
  for (; it != end; it.increment(ec)) {
    if (ec) return note_failure(io_error("cannot list", options_.dir, ec.value()));
    const fs::directory_entry& entry = *it;
    auto type = entry.symlink_status(ec).type();
    if (type == fs::file_type::directory) {
      dirs.push_back(entry.path());
    } else if (type == fs::file_type::regular) {
      if (auto file = parse_hour_file_name(entry.path().filename().string())) {
        found.push_back(Found{entry.path(), std::move(*file)});
      }
    }
  }
  // Leftover temp files first: their `.jsonl` is still there and is compressed again below.
  std::stable_partition(found.begin(), found.end(),
                        [](const Found& f) { return f.file.kind == HourFileKind::Temp; });
  for (const Found& f : found) {
    core::TimePoint hour_end = f.file.hour + std::chrono::hours(1);
    // The compressor thread's, until it is done with them.
    if (compressing(with_kind(options_.dir, f.file, HourFileKind::Plain))) continue;
    if (f.file.kind == HourFileKind::Temp) {
      if (::unlink(f.path.c_str()) != 0 && errno != ENOENT) {
        note_failure(io_error("cannot remove", f.path, errno));
      }
      continue;
    }
    if (options_.retention.count() > 0 && hour_end + options_.retention <= now) {
      close_file(Key{f.file.account, f.file.hour});
      if (::unlink(f.path.c_str()) != 0 && errno != ENOENT) {
        note_failure(io_error("cannot remove", f.path, errno));
      }
      continue;
    }
    if (f.file.kind != HourFileKind::Plain || hour_end + kGrace > now) continue;
    if (open_.count(Key{f.file.account, f.file.hour}) != 0) continue;  // still being written
    if (path_exists(with_kind(options_.dir, f.file, HourFileKind::Gzip))) {
      // A crash between the rename and the unlink: the .gz is whole (synced before the rename)
      // and no record was appended to the .jsonl after its .gz appeared (open_for skips it).
      if (::unlink(f.path.c_str()) != 0 && errno != ENOENT) {
        note_failure(io_error("cannot remove", f.path, errno));
      }
      continue;
    }
    compress(f.path);
  }
  // Directories left empty, deepest first; rmdir refuses the others.
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return a.native().size() > b.native().size();
  });
  for (const fs::path& dir : dirs) ::rmdir(dir.c_str());
}

void FileSink::compress(const fs::path& plain) {
  if (!options_.compress_in_background) return note_failure(compress_hour(plain, abandon_));
  std::lock_guard lock(compress_mutex_);
  if (!compressing_.insert(plain.string()).second) return;  // queued already
  compress_queue_.push_back(plain);
  if (!compressor_.joinable()) {
    compressor_ = std::thread([this] {
      core::name_this_thread("iamd-compress");
      run_compressor();
    });
  }
  compress_wake_.notify_one();
}

bool FileSink::compressing(const fs::path& plain) {
  if (!options_.compress_in_background) return false;
  std::lock_guard lock(compress_mutex_);
  return compressing_.count(plain.string()) != 0;
}

void FileSink::run_compressor() {
  std::unique_lock lock(compress_mutex_);
  for (;;) {
    compress_wake_.wait(lock, [&] { return compress_stop_ || !compress_queue_.empty(); });
    if (compress_stop_) break;
    const fs::path plain = compress_queue_.front();
    lock.unlock();
    Status st = [&]() -> Status {
      try {
        return compress_hour(plain, abandon_);
      } catch (const std::exception& e) {  // out of memory: the next maintain tries again
        return Error{ErrorCode::ServiceFailure, std::string("audit file sink: ") + e.what()};
      }
    }();
    lock.lock();
    compress_queue_.pop_front();
    // Only now: until its .gz is whole, the plain file's part must not be written again.
    compressing_.erase(plain.string());
    if (!st && !compress_failure_) compress_failure_ = st.error();
    if (compress_queue_.empty()) compress_idle_.notify_all();
  }
  compress_idle_.notify_all();
}

void FileSink::wait_for_compression() {
  std::unique_lock lock(compress_mutex_);
  compress_idle_.wait(lock, [&] { return compress_queue_.empty() || compress_stop_; });
}


}  // namespace iamd::audit
