#include "audit/index_blocks.h"

#include <bit>
#include <cstring>

namespace iamd::audit {
namespace {

static_assert(std::endian::native == std::endian::little, "raw blocks are little-endian triples");
static_assert(sizeof(IndexEntry) == 24);

// Keys are compared as signed; biased, they ascend as unsigned numbers, so deltas are >= 0.
constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
std::uint64_t biased(std::int64_t key) { return static_cast<std::uint64_t>(key) ^ kSign; }

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// a - b and a + b with wrap-around rather than overflow: any int64 values round-trip.
std::int64_t minus(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t plus(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

constexpr std::size_t kMaxVarint = 10;  // bytes of a 64-bit LEB128 number

// Writes at `p`, which has room for kMaxVarint bytes; returns where it ends. Straight into the
// block's buffer: appending to a string three times per entry cost a capacity check and a copy
// each, a tenth of the index's writing.
char* put_varint(char* p, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>(v | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool done() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

// Packed layout: varint count, then per entry the key's (biased) delta from the previous entry's;
// for the same key the time's and sequence's steps down (time >= 0 by entry order, the sequence
// zigzagged: records of one microsecond may be out of order), for a new key both as zigzagged
// differences. The first entry's "previous" is all zeros.
constexpr char kPackedTag = 'P';

}  // namespace

void pack_block(std::span<const IndexEntry> entries, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + 1 + kMaxVarint * (1 + 3 * entries.size()));
  char* p = out.data() + start;
  *p++ = kPackedTag;
  p = put_varint(p, entries.size());
  IndexEntry prev{static_cast<std::int64_t>(kSign), 0, 0};  // biased(prev.key) == 0
  for (const IndexEntry& e : entries) {
    const std::uint64_t key_step = biased(e.key) - biased(prev.key);
    p = put_varint(p, key_step);
    if (key_step == 0) {
      p = put_varint(p, static_cast<std::uint64_t>(minus(prev.time, e.time)));
      p = put_varint(p, zigzag(minus(prev.sequence, e.sequence)));
    } else {
      p = put_varint(p, zigzag(minus(e.time, prev.time)));
      p = put_varint(p, zigzag(minus(e.sequence, prev.sequence)));
    }
    prev = e;
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

bool unpack_block(BlockFormat format, std::string_view bytes, std::vector<IndexEntry>& out) {
  out.clear();
  if (format == BlockFormat::Raw) {
    if (bytes.size() % sizeof(IndexEntry) != 0) return false;
    out.resize(bytes.size() / sizeof(IndexEntry));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return true;
  }
  if (format != BlockFormat::Packed || bytes.empty() || bytes[0] != kPackedTag) return false;
  Reader in(bytes.substr(1));
  std::uint64_t count = 0;
  // Every entry takes at least three bytes: a count beyond that is not a block.
  if (!in.varint(count) || count > bytes.size() / 3) return false;
  out.resize(count);
  IndexEntry prev{static_cast<std::int64_t>(kSign), 0, 0};
  for (IndexEntry& e : out) {
    std::uint64_t key_step = 0, time_step = 0, sequence_step = 0;
    if (!in.varint(key_step) || !in.varint(time_step) || !in.varint(sequence_step)) return false;
    e.key = static_cast<std::int64_t>((biased(prev.key) + key_step) ^ kSign);
    if (key_step == 0) {
      e.time = minus(prev.time, static_cast<std::int64_t>(time_step));
      e.sequence = minus(prev.sequence, unzigzag(sequence_step));
    } else {
      e.time = plus(prev.time, unzigzag(time_step));
      e.sequence = plus(prev.sequence, unzigzag(sequence_step));
    }
    prev = e;
  }
  return in.done();
}

}  // namespace iamd::audit
