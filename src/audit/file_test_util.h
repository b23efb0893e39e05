#pragma once
// Helpers shared by file_sink_test.cc and tail_test.cc: a temporary audit directory, records with
// a recognisable JSON line, and file readers.

#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "audit/record.h"
#include "core/time_format.h"

namespace iamd::audit::files_test {

namespace fs = std::filesystem;

/// A fresh directory under the system's temp directory, removed (made writable first) at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "iamd-audit-files-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) ::chmod(it->path().c_str(), 0700);
    }
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline core::TimePoint at(const std::string& iso) {
  auto t = core::parse_iso8601(iso);
  if (!t) throw std::runtime_error("bad time " + iso);
  return *t;
}

/// A record whose line is a small CloudTrail-shaped object naming `name`.
inline Record make_record(const std::string& account, const std::string& iso_time,
                          const std::string& name) {
  Record r;
  r.account = account;
  r.time = at(iso_time);
  r.event_id = "id-" + account + "-" + iso_time + "-" + name;
  r.event_name = name;
  r.event_source = "sts.amazonaws.com";
  r.json = R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::)" +
           account + R"(:user/alice","accountId":")" + account + R"("},"eventTime":")" +
           core::format_iso8601(r.time) +
           R"(","eventSource":"sts.amazonaws.com","eventName":")" + name +
           R"(","sourceIPAddress":"192.0.2.1","eventID":")" + r.event_id +
           R"(","recipientAccountId":")" + account + R"("})";
  return r;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string read_gz_file(const fs::path& path) {
  gzFile z = ::gzopen(path.c_str(), "rb");
  if (z == nullptr) return "<cannot open>";
  std::string out;
  char buf[4096];
  int n;
  while ((n = ::gzread(z, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::gzclose(z);
  return out;
}

inline void write_gz_file(const fs::path& path, const std::string& data) {
  gzFile z = ::gzopen(path.c_str(), "wb");
  ::gzwrite(z, data.data(), static_cast<unsigned>(data.size()));
  ::gzclose(z);
}

inline void append_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << data;
}

/// The lines of records, each with its newline, as the sink writes them.
inline std::string lines_of(const std::vector<Record>& records) {
  std::string s;
  for (const Record& r : records) s += r.json + "\n";
  return s;
}

inline unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace iamd::audit::files_test
