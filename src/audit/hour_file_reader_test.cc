// Where the file sink says each line went (Record::file), reading lines back from there with
// HourFileReader (plain, compressed, part files, refusals), and the index keeping only that place.
#include "audit/hour_file_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "audit/file_sink.h"
#include "audit/file_test_util.h"
#include "audit/hour_files.h"
#include "audit/sqlite_index.h"

namespace iamd::audit {
namespace {

using namespace files_test;  // NOLINT(google-build-using-namespace)

constexpr const char* kA = "111111111111";
constexpr const char* kB = "222222222222";

class HourFileReaderTest : public ::testing::Test {
 protected:
  fs::path audit() const { return tmp_.path() / "audit"; }
  FileSinkOptions options() const { return FileSinkOptions{audit(), std::chrono::hours(0), false, 64}; }
  fs::path file(const std::string& account, const std::string& hour_iso, int part = 0,
                HourFileKind kind = HourFileKind::Plain) const {
    return audit() / hour_file_path(HourFile{account, hour_of(at(hour_iso)), part, kind});
  }
  /// What the record's place holds in its plain file.
  std::string at_place(const Record& r) const {
    std::string text = read_file(audit() / hour_file_path(HourFile{std::string(file_account(r.account)),
                                                                  hour_of(r.time), r.file->part,
                                                                  HourFileKind::Plain}));
    return text.substr(static_cast<std::size_t>(r.file->offset), r.file->length + 1);
  }
  /// `count` records of one account and hour, each with a line of some hundreds of bytes.
  static std::vector<Record> many(int count) {
    std::vector<Record> records;
    for (int i = 0; i < count; ++i) {
      char time[32];
      std::snprintf(time, sizeof time, "2024-01-02T03:%02d:%02dZ", (i / 60) % 60, i % 60);
      Record r = make_record(kA, time, "Event" + std::to_string(i));
      r.json.insert(1, "\"requestParameters\":{\"policy\":\"" + std::string(100 + i % 400, 'x') + "\"},");
      records.push_back(std::move(r));
    }
    return records;
  }

  TempDir tmp_;
};

TEST_F(HourFileReaderTest, WriteNotesWhereEachLineWent) {
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kB, "2024-01-02T03:20:00Z", "Two"),
                               make_record(kA, "2024-01-02T04:00:00Z", "Three"),
                               make_record(kA, "2024-01-02T03:59:59Z", "Four"),
                               make_record("../etc", "2024-01-02T03:11:00Z", "Evil")};
  ASSERT_TRUE(sink.write(batch));
  std::vector<Record> more = {make_record(kA, "2024-01-02T03:30:00Z", "Five")};
  ASSERT_TRUE(sink.write(more));
  batch.push_back(more[0]);
  for (const Record& r : batch) {
    ASSERT_TRUE(r.file) << r.event_name;
    EXPECT_EQ(r.file->part, 0);
    EXPECT_EQ(at_place(r), r.json + "\n") << r.event_name;
  }
  EXPECT_EQ(batch[3].file->offset, static_cast<std::int64_t>(batch[0].json.size() + 1));
}

TEST_F(HourFileReaderTest, APlaceAfterALineCutShortByACrashIsExact) {
  fs::create_directories(file(kA, "2024-01-02T03:00:00Z").parent_path());
  append_file(file(kA, "2024-01-02T03:00:00Z"), "{\"cut\":");
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One")};
  ASSERT_TRUE(sink.write(batch));
  EXPECT_EQ(batch[0].file->offset, 8);  // after the fragment and the newline that ends it
  EXPECT_EQ(at_place(batch[0]), batch[0].json + "\n");
}

TEST_F(HourFileReaderTest, ARetriedBatchKeepsThePlacesOfWhatWasWritten) {
  fs::create_directories(audit());
  append_file(audit() / kB, "blocks account B's directory");
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kB, "2024-01-02T03:11:00Z", "Two")};
  ASSERT_FALSE(sink.write(batch));
  const FileLocation first = *batch[0].file;
  fs::remove(audit() / kB);
  for (Record& r : batch) r.file.reset();
  ASSERT_TRUE(sink.write(batch));
  ASSERT_TRUE(batch[0].file && batch[1].file);
  EXPECT_EQ(batch[0].file->offset, first.offset);
  EXPECT_EQ(at_place(batch[0]), batch[0].json + "\n");
  EXPECT_EQ(at_place(batch[1]), batch[1].json + "\n");
}

TEST_F(HourFileReaderTest, ReadsLinesFromThePlainFileAndThenFromTheCompressedOne) {
  FileSink sink(options());
  std::vector<Record> batch = many(4000);  // about 1.3 MB: several members once compressed
  ASSERT_TRUE(sink.write(batch));
  HourFileReader reader(audit());
  for (const Record& r : batch) ASSERT_EQ(reader.read(r), r.json);

  sink.maintain(at("2024-01-02T04:03:00Z"));
  ASSERT_FALSE(fs::exists(file(kA, "2024-01-02T03:00:00Z")));
  const fs::path gz = file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip);
  ASSERT_EQ(read_gz_file(gz), lines_of(batch));  // still one stream to a gzip reader
  {
    int fd = ::open(gz.c_str(), O_RDONLY);
    auto members = gzip_members::read_member_map(fd, fs::file_size(gz));
    ::close(fd);
    ASSERT_TRUE(members);
    EXPECT_GT(members->size(), 3u);
  }
  // Newest first and scattered, as lookups read them.
  for (std::size_t i = batch.size(); i-- > 0;) ASSERT_EQ(reader.read(batch[i]), batch[i].json);
  for (std::size_t i = 0; i < batch.size(); i += 397) ASSERT_EQ(reader.read(batch[i]), batch[i].json);
}

TEST_F(HourFileReaderTest, ALateRecordIsReadFromItsPartFile) {
  FileSink sink(options());
  std::vector<Record> on_time = {make_record(kA, "2024-01-02T03:10:00Z", "OnTime")};
  ASSERT_TRUE(sink.write(on_time));
  sink.maintain(at("2024-01-02T04:03:00Z"));
  std::vector<Record> late = {make_record(kA, "2024-01-02T03:50:00Z", "Late")};
  ASSERT_TRUE(sink.write(late));
  EXPECT_EQ(late[0].file->part, 1);
  HourFileReader reader(audit());
  EXPECT_EQ(reader.read(on_time[0]), on_time[0].json);
  EXPECT_EQ(reader.read(late[0]), late[0].json);
  sink.maintain(at("2024-01-02T04:30:00Z"));
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T03:00:00Z", 1, HourFileKind::Gzip)));
  EXPECT_EQ(reader.read(late[0]), late[0].json);
}

TEST_F(HourFileReaderTest, APlaceThatDoesNotHoldTheRecordReadsAsLost) {
  FileSink sink(options());
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One"),
                               make_record(kA, "2024-01-02T03:11:00Z", "Two")};
  ASSERT_TRUE(sink.write(batch));
  HourFileReader reader(audit());
  ASSERT_EQ(reader.read(batch[1]), batch[1].json);

  Record r = batch[1];
  r.file.reset();
  EXPECT_FALSE(reader.read(r)) << "no place";
  r = batch[1];
  r.event_id = "another-event";
  EXPECT_FALSE(reader.read(r)) << "another record's place";
  r = batch[1];
  r.file->offset += 1;
  EXPECT_FALSE(reader.read(r)) << "not at a line's start";
  r = batch[1];
  r.file->length -= 1;
  EXPECT_FALSE(reader.read(r)) << "not the whole line";
  r = batch[1];
  r.file->offset = 1 << 30;
  EXPECT_FALSE(reader.read(r)) << "past the end";
  r = batch[1];
  r.file->offset = -5;
  EXPECT_FALSE(reader.read(r)) << "negative";
  r = batch[1];
  r.file->length = 0xffffffffu;
  EXPECT_FALSE(reader.read(r)) << "absurd length";
  r = batch[1];
  r.file->part = 3;
  EXPECT_FALSE(reader.read(r)) << "no such part";

  sink.maintain(at("2024-01-02T04:03:00Z"));
  ASSERT_EQ(reader.read(batch[1]), batch[1].json);
  r = batch[1];
  r.file->offset = 1 << 30;
  EXPECT_FALSE(reader.read(r)) << "past the end, compressed";
  r = batch[1];
  r.event_id = "another-event";
  EXPECT_FALSE(reader.read(r)) << "another record's place, compressed";

  // A damaged archive: its members no longer add up.
  const fs::path gz = file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip);
  fs::resize_file(gz, fs::file_size(gz) - 3);
  EXPECT_FALSE(reader.read(batch[0]));
  fs::remove(gz);  // as retention removes it
  EXPECT_FALSE(reader.read(batch[0]));
}

// The index with a reader keeps each record's place, not its JSON, and answers with the line
// read back, from the plain file and then from the compressed one; a record whose file is gone
// is not returned.
TEST_F(HourFileReaderTest, TheIndexKeepsPlacesAndReadsLinesBack) {
  FileSink sink(options());
  HourFileReader reader(audit());
  SqliteIndex::Options index_options;
  index_options.lines = &reader;
  const fs::path db = tmp_.path() / "index.db";
  std::vector<Record> batch = many(1000);
  std::size_t json_bytes = 0;
  for (const Record& r : batch) json_bytes += r.json.size();
  {
    SqliteIndex index(db.string(), index_options);
    ASSERT_TRUE(sink.write(batch));
    ASSERT_TRUE(index.write(batch));
  }
  const fs::path segment = tmp_.path() / "index.db-records-000001";
  ASSERT_TRUE(fs::exists(segment));
  EXPECT_LT(fs::file_size(segment), json_bytes / 2) << "the bodies hold places, not the JSON";

  SqliteIndex index(db.string(), index_options);  // reopened: the places were kept
  Query q;
  q.account = kA;
  q.start = at("2024-01-02T03:00:00Z");
  q.end = at("2024-01-02T04:00:00Z");
  q.limit = 1000;
  auto check_all = [&] {
    auto page = index.lookup(q);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->records.size(), batch.size());
    for (const Record& got : page->records) {
      EXPECT_FALSE(got.file);
      const auto want = std::find_if(batch.begin(), batch.end(),
                                     [&](const Record& r) { return r.event_id == got.event_id; });
      ASSERT_NE(want, batch.end());
      ASSERT_EQ(got.json, want->json);
    }
  };
  check_all();
  sink.maintain(at("2024-01-02T04:03:00Z"));
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip)));
  check_all();

  fs::remove(file(kA, "2024-01-02T03:00:00Z", 0, HourFileKind::Gzip));
  auto page = index.lookup(q);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->records.empty());
}

// Records the file sink did not place keep their JSON in the index, reader or not.
TEST_F(HourFileReaderTest, TheIndexKeepsTheJsonOfRecordsWithoutAPlace) {
  HourFileReader reader(audit());
  SqliteIndex::Options index_options;
  index_options.lines = &reader;
  SqliteIndex index((tmp_.path() / "index.db").string(), index_options);
  std::vector<Record> batch = {make_record(kA, "2024-01-02T03:10:00Z", "One")};
  ASSERT_TRUE(index.write(batch));
  Query q;
  q.account = kA;
  q.start = at("2024-01-02T03:00:00Z");
  q.end = at("2024-01-02T04:00:00Z");
  auto page = index.lookup(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].json, batch[0].json);
}

}  // namespace
}  // namespace iamd::audit
