#pragma once
// The audit index's lookup entries and the blocks they are stored in (sqlite_index.cc).
//
// An entry is (key, time, sequence): key a 64-bit hash of (account, attribute, value), time the
// record's in microseconds, sequence its number. Runs hold entries in entry order (key ascending,
// then newest first), a few hundred to a block. Blocks are an on-disk format, in two forms:
//   raw (schema 2):   the entries as little-endian int64 triples, 24 bytes each;
//   packed (since 3): LEB128 deltas from the previous entry. Within a key, times and sequences
//                     step by little, so an entry takes ~5 bytes rather than 24: the index writes
//                     every entry once per level of its merges, and those bytes were most of its
//                     cost per record.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::audit {

struct IndexEntry {
  std::int64_t key;
  std::int64_t time;
  std::int64_t sequence;
};

/// Entry order: key ascending, then time and sequence descending.
inline bool entry_less(const IndexEntry& a, const IndexEntry& b) {
  if (a.key != b.key) return a.key < b.key;
  if (a.time != b.time) return a.time > b.time;
  return a.sequence > b.sequence;
}

inline bool entry_equal(const IndexEntry& a, const IndexEntry& b) {
  return a.key == b.key && a.time == b.time && a.sequence == b.sequence;
}

enum class BlockFormat : std::int64_t { Raw = 0, Packed = 1 };

/// `entries` (in entry order) as a packed block, appended to `out`.
void pack_block(std::span<const IndexEntry> entries, std::string& out);

/// The entries of a block of `format` into `out` (replacing its contents); false for bytes that
/// are not a well-formed block of that format.
bool unpack_block(BlockFormat format, std::string_view bytes, std::vector<IndexEntry>& out);

}  // namespace iamd::audit
