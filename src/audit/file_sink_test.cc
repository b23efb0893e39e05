// FileSink: where lines land (account, hour, layout names), compression after the hour and its
// crash leftovers, late records, retention, permissions, and failures reported as errors.
#include "audit/file_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <vector>

#include "audit/file_test_util.h"
#include "audit/hour_files.h"
#include "audit/write_behind.h"

namespace iamd::audit {
namespace {

using namespace files_test;  // NOLINT(google-build-using-namespace)
using core::Status;

constexpr const char* kA = "111111111111";
constexpr const char* kB = "222222222222";

class FileSinkTest : public ::testing::Test {
 protected:
  fs::path audit() const { return tmp_.path() / "audit"; }
  FileSinkOptions options(std::chrono::hours retention = std::chrono::hours(0)) const {
    return FileSinkOptions{audit(), retention, false, 64};
  }
  // The path of a file of the layout under audit().
  fs::path file(const std::string& account, const std::string& hour_iso, int part = 0,
                HourFileKind kind = HourFileKind::Plain) const {
    return audit() / hour_file_path(HourFile{account, hour_of(at(hour_iso)), part, kind});
  }

  TempDir tmp_;
};

TEST(HourFilesTest, NamesAndParsingRoundTrip) {
  HourFile f{"123456789012", at("2024-01-02T03:00:00Z"), 0, HourFileKind::Plain};
  EXPECT_EQ(hour_file_path(f).string(),
            "123456789012/2024/01/02/123456789012_CloudTrail_20240102T03Z.jsonl");
  f.part = 2;
  f.kind = HourFileKind::Gzip;
  EXPECT_EQ(hour_file_name(f), "123456789012_CloudTrail_20240102T03Z_2.jsonl.gz");
  auto parsed = parse_hour_file_name("123456789012_CloudTrail_20240102T03Z_2.jsonl.gz");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->account, "123456789012");
  EXPECT_EQ(parsed->hour, at("2024-01-02T03:00:00Z"));
  EXPECT_EQ(parsed->part, 2);
  EXPECT_EQ(parsed->kind, HourFileKind::Gzip);
  auto temp = parse_hour_file_name("123456789012_CloudTrail_20240102T03Z.jsonl.gz.tmp");
  ASSERT_TRUE(temp);
  EXPECT_EQ(temp->kind, HourFileKind::Temp);
  EXPECT_EQ(temp->part, 0);
  for (const char* bad : {"x.jsonl", "123_CloudTrail_20240102T03Z.json",
                          "123_CloudTrail_20241302T03Z.jsonl", "123_CloudTrail_20240102T24Z.jsonl",
                          "123_CloudTrail_20240102T03Z_0.jsonl", "123_CloudTrail_20240102T03Z_x.jsonl",
                          "../x_CloudTrail_20240102T03Z.jsonl", "_CloudTrail_20240102T03Z.jsonl"}) {
    EXPECT_FALSE(parse_hour_file_name(bad)) << bad;
  }
  EXPECT_TRUE(valid_account("123456789012"));
  EXPECT_FALSE(valid_account(""));
  EXPECT_FALSE(valid_account("../etc"));
  EXPECT_FALSE(valid_account("a/b"));
}

TEST_F(FileSinkTest, LinesLandInTheFileOfTheirAccountAndHour) {
  FileSink sink(options());
  std::vector<Record> batch = {
      make_record(kA, "2024-01-02T03:10:00Z", "One"),
      make_record(kB, "2024-01-02T03:20:00Z", "Two"),
      make_record(kA, "2024-01-02T04:00:00Z", "Three"),
      make_record(kA, "2024-01-02T03:59:59Z", "Four"),
  };
  ASSERT_TRUE(sink.write(batch));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({batch[0], batch[3]}));
  EXPECT_EQ(read_file(file(kB, "2024-01-02T03:00:00Z")), lines_of({batch[1]}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T04:00:00Z")), lines_of({batch[2]}));
  EXPECT_TRUE(fs::exists(audit() / kA / "2024" / "01" / "02" /
                         (std::string(kA) + "_CloudTrail_20240102T04Z.jsonl")));

  // A second batch appends, in order, including to a day that has no directory yet.
  std::vector<Record> more = {make_record(kA, "2024-01-02T03:30:00Z", "Five"),
                              make_record(kB, "2024-01-03T00:00:01Z", "Six")};
  ASSERT_TRUE(sink.write(more));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({batch[0], batch[3], more[0]}));
  EXPECT_EQ(read_file(file(kB, "2024-01-03T00:00:00Z")), lines_of({more[1]}));
}

TEST_F(FileSinkTest, ReopensAndAppendsAfterRestart) {
  Record first = make_record(kA, "2024-01-02T03:10:00Z", "One");
  Record second = make_record(kA, "2024-01-02T03:11:00Z", "Two");
  {
    FileSink sink(options());
    ASSERT_TRUE(sink.write({&first, 1}));
  }
  FileSink sink(options());
  ASSERT_TRUE(sink.write({&second, 1}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({first, second}));
}

TEST_F(FileSinkTest, APartialLineLeftByACrashIsNotJoinedToTheNextRecord) {
  Record first = make_record(kA, "2024-01-02T03:10:00Z", "One");
  {
    FileSink sink(options());
    ASSERT_TRUE(sink.write({&first, 1}));
  }
  append_file(file(kA, "2024-01-02T03:00:00Z"), R"({"cut":)");
  Record second = make_record(kA, "2024-01-02T03:11:00Z", "Two");
  FileSink sink(options());
  ASSERT_TRUE(sink.write({&second, 1}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")),
            first.json + "\n" + R"({"cut":)" + "\n" + second.json + "\n");
}

TEST_F(FileSinkTest, LineBreaksInsideARecordDoNotSplitIt) {
  Record r = make_record(kA, "2024-01-02T03:10:00Z", "One");
  std::string original = r.json;
  r.json.insert(1, "\n\r\n");
  FileSink sink(options());
  ASSERT_TRUE(sink.write({&r, 1}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), "{   " + original.substr(1) + "\n");
}

TEST_F(FileSinkTest, CompressesAnHourAfterItEndsPlusGrace) {
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kA, "2024-01-02T03:50:00Z", "Two"),
                               make_record(kA, "2024-01-02T04:01:00Z", "Three")};
  ASSERT_TRUE(sink.write(batch));
  fs::path plain = file(kA, "2024-01-02T03:00:00Z");
  fs::path gz = file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip);

  sink.maintain(at("2024-01-02T03:59:00Z"));
  EXPECT_TRUE(fs::exists(plain));
  sink.maintain(at("2024-01-02T04:01:59Z"));  // within the grace for late records
  EXPECT_TRUE(fs::exists(plain));
  EXPECT_FALSE(fs::exists(gz));

  sink.maintain(at("2024-01-02T04:02:00Z"));
  EXPECT_TRUE(sink.last_maintain_status());
  EXPECT_FALSE(fs::exists(plain));
  ASSERT_TRUE(fs::exists(gz));
  EXPECT_EQ(read_gz_file(gz), lines_of({batch[0], batch[1]}));
  EXPECT_FALSE(fs::exists(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Temp)));
  // The current hour stays plain and open.
  EXPECT_EQ(read_file(file(kA, "2024-01-02T04:00:00Z")), lines_of({batch[2]}));
}

TEST_F(FileSinkTest, LateRecordsWithinTheGraceJoinTheHourFile) {
  FileSink sink(options());
  Record on_time = make_record(kA, "2024-01-02T03:59:59Z", "OnTime");
  Record late = make_record(kA, "2024-01-02T03:59:58Z", "Late");
  ASSERT_TRUE(sink.write({&on_time, 1}));
  sink.maintain(at("2024-01-02T04:01:00Z"));
  ASSERT_TRUE(sink.write({&late, 1}));
  sink.maintain(at("2024-01-02T04:05:00Z"));
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)),
            lines_of({on_time, late}));
}

TEST_F(FileSinkTest, LateRecordsAfterCompressionGoToPartFiles) {
  FileSink sink(options());
  Record first = make_record(kA, "2024-01-02T03:10:00Z", "First");
  ASSERT_TRUE(sink.write({&first, 1}));
  sink.maintain(at("2024-01-02T05:00:00Z"));
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)));

  Record late1 = make_record(kA, "2024-01-02T03:20:00Z", "Late1");
  ASSERT_TRUE(sink.write({&late1, 1}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z", 1)), lines_of({late1}));
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)),
            lines_of({first}));  // a .gz is never modified

  sink.maintain(at("2024-01-02T05:01:00Z"));
  EXPECT_FALSE(fs::exists(file(kA, "2024-01-02T03:00:00Z", 1)));
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 1, HourFileKind::Gzip)),
            lines_of({late1}));

  Record late2 = make_record(kA, "2024-01-02T03:30:00Z", "Late2");
  ASSERT_TRUE(sink.write({&late2, 1}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z", 2)), lines_of({late2}));
}

TEST_F(FileSinkTest, FirstMaintainCompressesWhatAPreviousRunLeft) {
  std::vector<Record> old = {make_record(kA, "2024-01-01T10:00:00Z", "Old1"),
                             make_record(kB, "2024-01-01T11:00:00Z", "Old2")};
  {
    FileSink sink(options());
    ASSERT_TRUE(sink.write(old));
  }
  // Crash leftovers: a half-written temp next to its .jsonl, and a .jsonl whose .gz was renamed
  // into place but which was not removed yet.
  append_file(file(kA, "2024-01-01T10:00:00Z", 0, HourFileKind::Temp), "garbage");
  Record both = make_record(kA, "2024-01-01T12:00:00Z", "Both");
  fs::create_directories(file(kA, "2024-01-01T12:00:00Z").parent_path());
  append_file(file(kA, "2024-01-01T12:00:00Z"), lines_of({both}));
  write_gz_file(file(kA, "2024-01-01T12:00:00Z", 0, HourFileKind::Gzip), lines_of({both}));
  // A line cut short by a crash.
  fs::path cut = file(kB, "2024-01-01T13:00:00Z");
  fs::create_directories(cut.parent_path());
  append_file(cut, R"({"a":1})" "\n" R"({"b":)");

  FileSink sink(options());
  sink.maintain(at("2024-01-02T00:00:00Z"));
  EXPECT_TRUE(sink.last_maintain_status());
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-01T10:00:00Z", 0, HourFileKind::Gzip)), lines_of({old[0]}));
  EXPECT_EQ(read_gz_file(file(kB, "2024-01-01T11:00:00Z", 0, HourFileKind::Gzip)), lines_of({old[1]}));
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-01T12:00:00Z", 0, HourFileKind::Gzip)), lines_of({both}));
  EXPECT_EQ(read_gz_file(file(kB, "2024-01-01T13:00:00Z", 0, HourFileKind::Gzip)),
            R"({"a":1})" "\n" R"({"b":)" "\n");
  for (const auto& entry : fs::recursive_directory_iterator(audit())) {
    if (entry.is_regular_file()) {
      EXPECT_TRUE(entry.path().string().ends_with(".jsonl.gz")) << entry.path();
    }
  }
}

TEST_F(FileSinkTest, RetentionDeletesOldHoursAndEmptyDirectories) {
  FileSink sink(options(std::chrono::hours(24)));
  std::vector<Record> batch = {make_record(kA, "2024-01-01T10:00:00Z", "Old"),
                               make_record(kB, "2024-01-01T10:30:00Z", "OldB"),
                               make_record(kA, "2024-01-02T09:00:00Z", "Recent")};
  ASSERT_TRUE(sink.write(batch));
  fs::path unrelated = audit() / "README";
  append_file(unrelated, "not ours");

  sink.maintain(at("2024-01-02T10:59:59Z"));  // 10:00's hour ended 23:59:59 ago: kept
  EXPECT_TRUE(fs::exists(file(kA, "2024-01-01T10:00:00Z", 0, HourFileKind::Gzip)));
  EXPECT_TRUE(fs::exists(file(kB, "2024-01-01T10:00:00Z", 0, HourFileKind::Gzip)));

  sink.maintain(at("2024-01-02T11:00:00Z"));
  EXPECT_TRUE(sink.last_maintain_status());
  EXPECT_FALSE(fs::exists(file(kA, "2024-01-01T10:00:00Z", 0, HourFileKind::Gzip)));
  EXPECT_FALSE(fs::exists(audit() / kA / "2024" / "01" / "01"));
  EXPECT_FALSE(fs::exists(audit() / kB));  // nothing left of this account
  EXPECT_TRUE(fs::exists(file(kA, "2024-01-02T09:00:00Z", 0, HourFileKind::Gzip)));
  EXPECT_TRUE(fs::exists(unrelated));
  EXPECT_TRUE(fs::exists(audit()));

  // A late record for a deleted hour is written, then deleted at the next maintain.
  Record late = make_record(kA, "2024-01-01T10:10:00Z", "TooLate");
  ASSERT_TRUE(sink.write({&late, 1}));
  sink.maintain(at("2024-01-02T11:01:00Z"));
  EXPECT_FALSE(fs::exists(audit() / kA / "2024" / "01" / "01"));
}

TEST_F(FileSinkTest, NoRetentionKeepsEverything) {
  FileSink sink(options());
  Record old = make_record(kA, "2020-01-01T10:00:00Z", "Old");
  ASSERT_TRUE(sink.write({&old, 1}));
  sink.maintain(at("2024-01-01T00:00:00Z"));
  EXPECT_EQ(read_gz_file(file(kA, "2020-01-01T10:00:00Z", 0, HourFileKind::Gzip)), lines_of({old}));
}

TEST_F(FileSinkTest, DirectoriesAre0700AndFiles0600) {
  mode_t saved = ::umask(0);
  FileSink sink(options());
  Record r = make_record(kA, "2024-01-02T03:10:00Z", "One");
  Status st = sink.write({&r, 1});
  ::umask(saved);
  ASSERT_TRUE(st);
  EXPECT_EQ(mode_of(audit()), 0700u);
  for (fs::path p = file(kA, "2024-01-02T03:00:00Z").parent_path(); p != audit(); p = p.parent_path()) {
    EXPECT_EQ(mode_of(p), 0700u) << p;
  }
  EXPECT_EQ(mode_of(file(kA, "2024-01-02T03:00:00Z")), 0600u);
  saved = ::umask(0);
  sink.maintain(at("2024-01-02T05:00:00Z"));
  ::umask(saved);
  EXPECT_EQ(mode_of(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)), 0600u);
}

TEST_F(FileSinkTest, AReadOnlyDirectoryGivesAnErrorNotACrash) {
  fs::create_directories(audit());
  ::chmod(tmp_.path().c_str(), 0755);
  ::chmod(audit().c_str(), 0555);
  // root ignores permissions: act as nobody while writing.
  bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::seteuid(65534), 0);
  }
  FileSink sink(options());
  Record r = make_record(kA, "2024-01-02T03:10:00Z", "One");
  Status st = sink.write({&r, 1});
  sink.maintain(at("2024-01-03T00:00:00Z"));
  if (root) {
    ASSERT_EQ(::seteuid(0), 0);
  }
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::ServiceFailure);
  EXPECT_NE(st.error().message.find("cannot create directory"), std::string::npos)
      << st.error().message;
}

TEST_F(FileSinkTest, ADirectoryThatIsAFileGivesAnError) {
  append_file(audit(), "a file where the directory should be");
  FileSink sink(options());
  Record r = make_record(kA, "2024-01-02T03:10:00Z", "One");
  Status st = sink.write({&r, 1});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::ServiceFailure);
  sink.maintain(at("2024-01-03T00:00:00Z"));  // nothing to do, and no crash
}

TEST_F(FileSinkTest, RetryingAFailedBatchDoesNotDuplicateWhatWasWritten) {
  fs::create_directories(audit());
  append_file(audit() / kB, "blocks account B's directory");
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kB, "2024-01-02T03:11:00Z", "Two"),
                               make_record(kA, "2024-01-02T03:12:00Z", "Three")};
  ASSERT_FALSE(sink.write(batch));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({batch[0], batch[2]}));

  fs::remove(audit() / kB);
  ASSERT_TRUE(sink.write(batch));  // the broker's retry
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({batch[0], batch[2]}));
  EXPECT_EQ(read_file(file(kB, "2024-01-02T03:00:00Z")), lines_of({batch[1]}));

  ASSERT_TRUE(sink.write(batch));  // after a success, a batch is written again as asked
  EXPECT_EQ(read_file(file(kB, "2024-01-02T03:00:00Z")), lines_of({batch[1], batch[1]}));
}

TEST_F(FileSinkTest, AnAccountThatCannotNameADirectoryIsFiledUnderUnknown) {
  FileSink sink(options());
  std::vector<Record> batch = {make_record("../../etc", "2024-01-02T03:10:00Z", "Evil"),
                               make_record("", "2024-01-02T03:11:00Z", "Empty")};
  ASSERT_TRUE(sink.write(batch));
  EXPECT_EQ(read_file(file("unknown", "2024-01-02T03:00:00Z")), lines_of(batch));
  EXPECT_FALSE(fs::exists(tmp_.path() / "etc"));
}

TEST_F(FileSinkTest, FewOpenFilesStillWriteEverything) {
  FileSinkOptions opts = options();
  opts.max_open_files = 1;
  opts.sync = true;
  FileSink sink(opts);
  std::vector<Record> all;
  for (int i = 0; i < 6; ++i) {
    Record r = make_record(i % 2 ? kA : kB, "2024-01-02T03:1" + std::to_string(i) + ":00Z",
                           "N" + std::to_string(i));
    ASSERT_TRUE(sink.write({&r, 1}));
    all.push_back(r);
  }
  EXPECT_EQ(read_file(file(kB, "2024-01-02T03:00:00Z")), lines_of({all[0], all[2], all[4]}));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of({all[1], all[3], all[5]}));
}

TEST_F(FileSinkTest, ABigBatchIsWritten) {
  FileSink sink(options());
  std::vector<Record> batch;
  for (int i = 0; i < 3000; ++i) {
    batch.push_back(make_record(kA, "2024-01-02T03:10:00Z", "N" + std::to_string(i)));
  }
  ASSERT_TRUE(sink.write(batch));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z")), lines_of(batch));
}


// WriteBehind: a long append leaves only its last chunks in the page cache.
namespace iamd::audit {
namespace {

// How many of the pages of [offset, offset + length) of `fd` are in the page cache.
std::size_t resident_pages(int fd, std::int64_t offset, std::int64_t length) {
  void* map = ::mmap(nullptr, static_cast<std::size_t>(length), PROT_READ, MAP_SHARED, fd, offset);
  if (map == MAP_FAILED) return SIZE_MAX;
  const long page = ::sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> in_core(static_cast<std::size_t>((length + page - 1) / page));
  std::size_t resident = SIZE_MAX;
  if (::mincore(map, static_cast<std::size_t>(length), in_core.data()) == 0) {
    resident = 0;
    for (unsigned char c : in_core) resident += c & 1;
  }
  ::munmap(map, static_cast<std::size_t>(length));
  return resident;
}

TEST(WriteBehindTest, DropsAllButTheLastChunksFromTheCache) {
  files_test::TempDir tmp;
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(tmp.path().c_str(), &fs_info), 0);
  if (fs_info.f_type == TMPFS_MAGIC) GTEST_SKIP() << "tmpfs: its pages are the file";
  const fs::path path = tmp.path() / "trail";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  constexpr std::int64_t kChunk = WriteBehind::kChunkBytes;
  const std::string block(1 << 20, 'x');
  WriteBehind behind;
  behind.reset(0);
  std::int64_t size = 0;
  while (size < 4 * kChunk) {
    ASSERT_EQ(::write(fd, block.data(), block.size()), static_cast<ssize_t>(block.size()));
    size += static_cast<std::int64_t>(block.size());
    // Written back at once, so that every drop below is certain (the kernel keeps pages that
    // are still being written back).
    ASSERT_EQ(::fdatasync(fd), 0);
    behind.wrote(fd, size);
  }
  // Each complete chunk dropped the one before it; the last is still cached.
  EXPECT_EQ(resident_pages(fd, 0, 3 * kChunk), 0u);
  EXPECT_GT(resident_pages(fd, 3 * kChunk, kChunk), 0u);
  // Reading the dropped part back gives what was written.
  std::string back(block.size(), '\0');
  ASSERT_EQ(::pread(fd, back.data(), back.size(), kChunk), static_cast<ssize_t>(back.size()));
  EXPECT_EQ(back, block);
  ::close(fd);
}

}  // namespace
}  // namespace iamd::audit

// --- compression on the sink's own thread (the server's setting) ---------------------------

class BackgroundCompressionTest : public FileSinkTest {
 protected:
  FileSinkOptions background() const {
    FileSinkOptions o = options();
    o.compress_in_background = true;
    return o;
  }
  /// An hour file of about `megabytes` MB: long enough to compress that a test can act during it.
  std::vector<Record> big_hour(FileSink& sink, int megabytes) {
    std::vector<Record> batch;
    for (int i = 0; batch.size() * 400 < static_cast<std::size_t>(megabytes) << 20; ++i) {
      char time[32];
      std::snprintf(time, sizeof time, "2024-01-02T03:%02d:%02dZ", (i / 60) % 60, i % 60);
      Record r = make_record(kA, time, "E" + std::to_string(i));
      r.json.insert(1, "\"n\":\"" + std::to_string(i * 7919) + "\",");
      batch.push_back(std::move(r));
    }
    EXPECT_TRUE(sink.write(batch));
    return batch;
  }
};

TEST_F(BackgroundCompressionTest, MaintainQueuesTheHourAndTheSinksThreadCompressesIt) {
  FileSink sink(background());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kA, "2024-01-02T03:20:00Z", "Two")};
  ASSERT_TRUE(sink.write(batch));
  sink.maintain(at("2024-01-02T04:03:00Z"));
  sink.wait_for_compression();
  EXPECT_FALSE(fs::exists(file(kA, "2024-01-02T03:00:00Z")));
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)),
            lines_of(batch));
  sink.maintain(at("2024-01-02T04:04:00Z"));
  EXPECT_TRUE(sink.last_maintain_status());
}

// A record for an hour whose file is being compressed goes to the next part rather than into a
// file about to be removed.
TEST_F(BackgroundCompressionTest, ALateRecordDuringCompressionIsNotLost) {
  FileSink sink(background());
  std::vector<Record> hour = big_hour(sink, 40);
  sink.maintain(at("2024-01-02T04:03:00Z"));  // returns at once; compression runs
  std::vector<Record> late = {make_record(kA, "2024-01-02T03:59:00Z", "Late")};
  ASSERT_TRUE(sink.write(late));
  EXPECT_EQ(late[0].file->part, 1);
  sink.wait_for_compression();
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)),
            lines_of(hour));
  EXPECT_EQ(read_file(file(kA, "2024-01-02T03:00:00Z", 1)), lines_of(late));
  sink.maintain(at("2024-01-02T04:30:00Z"));
  sink.wait_for_compression();
  EXPECT_EQ(read_gz_file(file(kA, "2024-01-02T03:00:00Z", 1, HourFileKind::Gzip)),
            lines_of(late));
}

// Shutting down mid-compression leaves the hour whole, as the plain file or as the archive, and
// no temp file; the next start finishes the job.
TEST_F(BackgroundCompressionTest, DestroyingTheSinkMidCompressionLeavesWholeFiles) {
  std::vector<Record> hour;
  {
    FileSink sink(background());
    hour = big_hour(sink, 40);
    sink.maintain(at("2024-01-02T04:03:00Z"));
  }
  const fs::path plain = file(kA, "2024-01-02T03:00:00Z");
  const fs::path gz = file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip);
  fs::path tmp = gz;
  tmp += ".tmp";
  EXPECT_FALSE(fs::exists(tmp));
  ASSERT_NE(fs::exists(plain), fs::exists(gz));
  if (fs::exists(plain)) EXPECT_EQ(read_file(plain), lines_of(hour));
  FileSink again(background());
  again.maintain(at("2024-01-02T05:00:00Z"));
  again.wait_for_compression();
  EXPECT_FALSE(fs::exists(plain));
  EXPECT_EQ(read_gz_file(gz), lines_of(hour));
}

}  // namespace
}  // namespace iamd::audit
