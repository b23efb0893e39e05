#pragma once
// Reads records' lines back from the hour files (hour_files.h) by where the file sink wrote them
// (Record::file): the index keeps that place instead of a second copy of each record's JSON.
//
// A line is read from the `.jsonl` while the hour is open, and from the `.jsonl.gz` once it is
// compressed: the sink writes those as independent gzip members of whole lines
// (gzip_members.h), so one member is inflated, not the whole hour. The sink removes the `.jsonl`
// only after its `.gz` is whole, so one of the two is always there (until retention removes
// both). A line is accepted only if it is whole and names the record's event id: a place that
// no longer holds the record (a file damaged, or cut short by a power failure) reads as lost.
//
// Thread-safe: lookups call read() from request threads. The member maps of the last few
// compressed files, and the last member inflated, are kept, since a page of results usually
// comes from one stretch of one hour.

#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/gzip_members.h"
#include "audit/index.h"

namespace iamd::audit {

class HourFileReader final : public LineReader {
 public:
  /// `dir`: the file sink's directory (FileSinkOptions::dir).
  explicit HourFileReader(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::optional<std::string> read(const Record& record) override;

 private:
  struct MemberMap {
    std::string path;
    std::uint64_t size = 0;  // the file's size when mapped: a different size is another file
    std::vector<gzip_members::Member> members;
  };
  struct Inflated {
    std::string path;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;  // the member's offset in the file
    std::string data;
  };

  std::optional<std::string> read_compressed(const std::string& path, const Record& record);

  std::filesystem::path dir_;
  std::mutex mutex_;
  std::list<MemberMap> maps_;  // most recently used first
  Inflated last_;
};

}  // namespace iamd::audit
