#pragma once
// Closed audit hour files (`.jsonl.gz`) as a sequence of independent gzip members (RFC 1952),
// each holding whole lines and about kMemberInput bytes of input, so that the record at a known
// uncompressed offset is read back by inflating one member. Concatenated members are one stream to
// zcat, `gzip -dc` and zlib's gzread, so nothing else has to know.
//
// Each member's header carries its sizes, so a reader walks from member to member by reading
// headers alone: ID1 ID2 CM=8 FLG=FEXTRA MTIME=0 XFL=0 OS=255, XLEN=12, and one subfield
// SI1='I' SI2='A' LEN=8 holding u32 LE total member length (header to ISIZE) and u32 LE
// uncompressed length; 24 bytes in all. Then raw deflate data, CRC32 and ISIZE.
//
// Readers treat the file as untrusted: every length read from it is bounded before anything is
// allocated, and a file that is not made entirely of such members is refused, never half-read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::audit::gzip_members {

/// Input bytes per member, cut at a line end.
inline constexpr std::size_t kMemberInput = 256 * 1024;
/// The most uncompressed bytes a member may hold: readers refuse more (a damaged header), and
/// MemberWriter cuts a line longer than this rather than write a member no reader accepts.
inline constexpr std::size_t kMaxMemberData = 64 * 1024 * 1024;
/// The bytes of a member's header.
inline constexpr std::size_t kHeaderSize = 24;

/// Appends one member holding `data` (at most kMaxMemberData bytes) to `out`. Throws
/// std::length_error for more, std::bad_alloc when zlib cannot allocate.
void append_member(std::string& out, std::string_view data, int level = 6);

/// Writes a stream of lines to `fd` as members: buffers input and emits a member whenever the
/// buffer holds kMemberInput bytes, cut after the last '\n' among them. A longer line stays whole
/// in one member (up to kMaxMemberData bytes, where it is cut).
class MemberWriter {
 public:
  explicit MemberWriter(int fd, int level = 6) : fd_(fd), level_(level) {}
  /// 0 or an errno value (the first failure sticks).
  int add(std::string_view bytes);
  /// Emits what is buffered (even without a final '\n'); 0 or errno.
  int finish();

 private:
  int emit(std::string_view data);

  int fd_;
  int level_;
  int err_ = 0;
  std::string buffer_;
  std::size_t scanned_ = 0;  // buffer_ has no '\n' before this (a long line being collected)
  std::string out_;          // the member being written, reused
};

/// One member of a file.
struct Member {
  std::uint64_t offset = 0;       ///< where the member starts in the file
  std::uint32_t length = 0;       ///< its bytes in the file, header to trailer
  std::uint64_t data_offset = 0;  ///< where its data starts in the uncompressed stream
  std::uint32_t data_length = 0;  ///< its uncompressed bytes
};

/// Walks the file's members by their headers (one pread of the header per member). nullopt if
/// the file is not made entirely of such members: bad magic, flags or subfield, implausible
/// lengths, or lengths that do not add up exactly to `file_size`. An empty file has no members.
std::optional<std::vector<Member>> read_member_map(int fd, std::uint64_t file_size);

/// Inflates one member and checks its header, CRC32, ISIZE and data_length; nullopt if anything
/// is wrong.
std::optional<std::string> read_member(int fd, const Member& member);

/// The member holding uncompressed offset `offset`, or nullptr.
const Member* find_member(const std::vector<Member>& members, std::uint64_t offset);

}  // namespace iamd::audit::gzip_members
