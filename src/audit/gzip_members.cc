#include "audit/gzip_members.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <stdexcept>

namespace iamd::audit::gzip_members {
namespace {

constexpr std::size_t kTrailerSize = 8;  // CRC32, ISIZE
// Raw deflate of nothing is two bytes (an empty fixed block), so no member is shorter.
constexpr std::size_t kMinMember = kHeaderSize + 2 + kTrailerSize;
constexpr unsigned char kFlagExtra = 0x04;
// Whatever deflate makes of kMaxMemberData bytes fits the header's u32 with room to spare.
static_assert(kMaxMemberData * 2 < UINT32_MAX);

void put_u16(unsigned char* p, std::uint32_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}
void put_u32(unsigned char* p, std::uint32_t v) {
  put_u16(p, v);
  put_u16(p + 2, v >> 16);
}
std::uint32_t get_u16(const unsigned char* p) { return p[0] | (std::uint32_t{p[1]} << 8); }
std::uint32_t get_u32(const unsigned char* p) { return get_u16(p) | (get_u16(p + 2) << 16); }

unsigned char* u8(std::string& s, std::size_t at) {
  return reinterpret_cast<unsigned char*>(s.data() + at);
}

struct Sizes {
  std::uint32_t length;
  std::uint32_t data_length;
};

// The sizes a header claims, if it is one of ours and they are plausible. compressBound is the
// most deflate (memLevel 8, any level) makes of the data, so a longer member is damage; bounding
// both lengths here is what keeps a hostile file from making readers allocate much.
std::optional<Sizes> parse_header(const unsigned char* h) {
  if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3] != kFlagExtra || get_u16(h + 10) != 12 ||
      h[12] != 'I' || h[13] != 'A' || get_u16(h + 14) != 8) {
    return std::nullopt;
  }
  Sizes s{get_u32(h + 16), get_u32(h + 20)};
  if (s.length < kMinMember || s.data_length > kMaxMemberData ||
      s.length > kHeaderSize + kTrailerSize + ::compressBound(s.data_length)) {
    return std::nullopt;
  }
  return s;
}

bool pread_all(int fd, unsigned char* buf, std::size_t n, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;  // an error, or the file shrank under us
    done += static_cast<std::size_t>(r);
  }
  return true;
}

int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

}  // namespace

void append_member(std::string& out, std::string_view data, int level) {
  if (data.size() > kMaxMemberData) throw std::length_error("gzip member input too long");
  z_stream z{};
  int rc = ::deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  if (rc == Z_MEM_ERROR) throw std::bad_alloc();
  if (rc != Z_OK) throw std::invalid_argument("bad gzip compression level");
  const std::size_t start = out.size();
  const std::size_t bound = ::deflateBound(&z, data.size());
  out.resize(start + kHeaderSize + bound + kTrailerSize);
  // One Z_FINISH call suffices: the output has deflateBound bytes of room.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = u8(out, start + kHeaderSize);
  z.avail_out = static_cast<uInt>(bound);
  rc = ::deflate(&z, Z_FINISH);
  const std::size_t deflated = z.total_out;
  ::deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::bad_alloc();  // cannot happen with the room given
  const std::size_t length = kHeaderSize + deflated + kTrailerSize;  // < 2^32: see the static_assert
  out.resize(start + length);

  unsigned char* h = u8(out, start);
  const unsigned char fixed[] = {0x1f, 0x8b, 8, kFlagExtra, 0, 0, 0, 0, 0, 255};
  std::copy(std::begin(fixed), std::end(fixed), h);
  put_u16(h + 10, 12);
  h[12] = 'I';
  h[13] = 'A';
  put_u16(h + 14, 8);
  put_u32(h + 16, static_cast<std::uint32_t>(length));
  put_u32(h + 20, static_cast<std::uint32_t>(data.size()));
  unsigned char* t = h + kHeaderSize + deflated;
  const uLong crc = ::crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                            static_cast<uInt>(data.size()));
  put_u32(t, static_cast<std::uint32_t>(crc));
  put_u32(t + 4, static_cast<std::uint32_t>(data.size()));
}

int MemberWriter::add(std::string_view bytes) {
  if (err_ != 0) return err_;
  buffer_.append(bytes);
  // Members are cut from `rest` and the buffer compacted once: erasing per member would copy a
  // large add's remainder once for every member cut from it.
  std::string_view rest = buffer_;
  while (rest.size() >= kMemberInput) {
    std::size_t end = scanned_ > 0 ? rest.npos : rest.rfind('\n', kMemberInput - 1);
    if (end == rest.npos) {
      // A line longer than kMemberInput: whole, up to where readers would refuse the member.
      end = rest.find('\n', std::max(kMemberInput, scanned_));
      if (end == rest.npos || end >= kMaxMemberData) {
        if (rest.size() < kMaxMemberData) {
          scanned_ = rest.size();  // wait for its end, without scanning this part again
          break;
        }
        end = kMaxMemberData - 1;
      }
    }
    scanned_ = 0;
    if (emit(rest.substr(0, end + 1)) != 0) break;
    rest.remove_prefix(end + 1);
  }
  buffer_.erase(0, buffer_.size() - rest.size());
  return err_;
}

int MemberWriter::finish() {
  if (err_ == 0 && !buffer_.empty()) emit(buffer_);
  buffer_.clear();
  scanned_ = 0;
  return err_;
}

int MemberWriter::emit(std::string_view data) {
  out_.clear();
  append_member(out_, data, level_);
  err_ = write_all(fd_, out_);
  return err_;
}

std::optional<std::vector<Member>> read_member_map(int fd, std::uint64_t file_size) {
  std::vector<Member> members;
  std::uint64_t offset = 0;
  std::uint64_t data_offset = 0;
  while (offset < file_size) {
    unsigned char h[kHeaderSize];
    if (file_size - offset < kMinMember || !pread_all(fd, h, sizeof h, offset)) return std::nullopt;
    std::optional<Sizes> s = parse_header(h);
    if (!s || s->length > file_size - offset) return std::nullopt;
    members.push_back(Member{offset, s->length, data_offset, s->data_length});
    offset += s->length;  // at least kMinMember: the walk always moves on
    data_offset += s->data_length;
  }
  return members;
}

std::optional<std::string> read_member(int fd, const Member& member) {
  // The Member may come from anywhere: bound it before allocating, then check it against the file.
  if (member.length < kMinMember || member.data_length > kMaxMemberData ||
      member.length > kHeaderSize + kTrailerSize + ::compressBound(member.data_length)) {
    return std::nullopt;
  }
  std::string raw(member.length, '\0');
  if (!pread_all(fd, u8(raw, 0), raw.size(), member.offset)) return std::nullopt;
  std::optional<Sizes> s = parse_header(u8(raw, 0));
  if (!s || s->length != member.length || s->data_length != member.data_length) {
    return std::nullopt;
  }

  // One byte of spare room: a stream that inflates to more than data_length fills it and fails.
  std::string data(std::size_t{member.data_length} + 1, '\0');
  z_stream z{};
  if (::inflateInit2(&z, -15) != Z_OK) return std::nullopt;
  z.next_in = u8(raw, kHeaderSize);
  z.avail_in = static_cast<uInt>(raw.size() - kHeaderSize - kTrailerSize);
  z.next_out = u8(data, 0);
  z.avail_out = static_cast<uInt>(data.size());
  const int rc = ::inflate(&z, Z_FINISH);
  // The deflate data must end exactly where the trailer begins.
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out == member.data_length;
  ::inflateEnd(&z);
  if (!whole) return std::nullopt;
  data.resize(member.data_length);

  const unsigned char* t = u8(raw, raw.size() - kTrailerSize);
  const uLong crc = ::crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                            static_cast<uInt>(data.size()));
  if (get_u32(t) != static_cast<std::uint32_t>(crc) || get_u32(t + 4) != member.data_length) {
    return std::nullopt;
  }
  return data;
}

const Member* find_member(const std::vector<Member>& members, std::uint64_t offset) {
  // The last member starting at or before `offset`; an empty member before it is passed over.
  auto it = std::upper_bound(members.begin(), members.end(), offset,
                             [](std::uint64_t o, const Member& m) { return o < m.data_offset; });
  if (it == members.begin()) return nullptr;
  --it;
  return offset - it->data_offset < it->data_length ? &*it : nullptr;
}

}  // namespace iamd::audit::gzip_members
