#include "audit/hour_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/hour_files.h"

namespace iamd::audit {
namespace {

constexpr std::size_t kMaxLine = 64 * 1024 * 1024;  // no record comes near; a bound for garbage
constexpr std::size_t kMapsKept = 8;

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

bool read_at(int fd, std::uint64_t offset, char* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

// `text` is the line (and its '\n') at the record's place: whole, and the record's own.
std::optional<std::string> accept(std::string_view text, const Record& record) {
  if (text.empty() || text.back() != '\n' || text.front() != '{') return std::nullopt;
  text.remove_suffix(1);
  if (!record.event_id.empty() && text.find(record.event_id) == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(text);
}

}  // namespace

std::optional<std::string> HourFileReader::read(const Record& record) {
  if (!record.file || record.file->offset < 0 || record.file->length >= kMaxLine) {
    return std::nullopt;
  }
  const FileLocation& at = *record.file;
  HourFile file{std::string(file_account(record.account)), hour_of(record.time), at.part,
                HourFileKind::Plain};
  const std::string plain = (dir_ / hour_file_path(file)).string();
  {
    Fd fd(::open(plain.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.fd >= 0) {
      std::string text(at.length + 1, '\0');
      if (read_at(fd.fd, static_cast<std::uint64_t>(at.offset), text.data(), text.size())) {
        if (auto line = accept(text, record)) return line;
      }
    }
  }
  file.kind = HourFileKind::Gzip;
  return read_compressed((dir_ / hour_file_path(file)).string(), record);
}

std::optional<std::string> HourFileReader::read_compressed(const std::string& path,
                                                           const Record& record) {
  const FileLocation& at = *record.file;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st {};
  if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto offset = static_cast<std::uint64_t>(at.offset);

  std::lock_guard lock(mutex_);
  auto map = maps_.begin();
  while (map != maps_.end() && (map->path != path || map->size != size)) ++map;
  if (map == maps_.end()) {
    auto members = gzip_members::read_member_map(fd.fd, size);
    if (!members) return std::nullopt;
    maps_.push_front(MemberMap{path, size, std::move(*members)});
    if (maps_.size() > kMapsKept) maps_.pop_back();
  } else {
    maps_.splice(maps_.begin(), maps_, map);
  }
  const gzip_members::Member* member = gzip_members::find_member(maps_.front().members, offset);
  // A line never spans members: the sink cuts them at line ends.
  if (member == nullptr || offset + at.length + 1 > member->data_offset + member->data_length) {
    return std::nullopt;
  }
  if (last_.path != path || last_.size != size || last_.offset != member->offset) {
    auto data = gzip_members::read_member(fd.fd, *member);
    if (!data) return std::nullopt;
    last_ = Inflated{path, size, member->offset, std::move(*data)};
  }
  return accept(std::string_view(last_.data).substr(offset - member->data_offset, at.length + 1),
                record);
}

}  // namespace iamd::audit
