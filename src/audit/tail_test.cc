// `iamd audit tail`: the line format, the last N records across accounts and compressed files,
// and following files while the sink appends, compresses and deletes them: every line once.
#include "audit/tail.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <thread>

#include "audit/file_sink.h"
#include "audit/file_test_util.h"
#include "audit/hour_files.h"

namespace iamd::audit {
namespace {

using namespace files_test;  // NOLINT(google-build-using-namespace)

constexpr const char* kA = "111111111111";
constexpr const char* kB = "222222222222";

// The eventName column of formatted lines (the test records' names are unique).
std::vector<std::string> names(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::string field;
    for (int i = 0; i < 4; ++i) in >> field;
    out.push_back(field);
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// An ostream target that another thread may read while the tail writes.
class SyncBuf : public std::streambuf {
 public:
  std::string str() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      std::lock_guard lock(mutex_);
      text_ += traits_type::to_char_type(c);
    }
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

TEST(FormatRecordLineTest, IamUserCallThatSucceeded) {
  EXPECT_EQ(format_record_line(
                R"({"eventTime":"2024-01-02T03:04:05Z","recipientAccountId":"111111111111",)"
                R"("eventSource":"sts.amazonaws.com","eventName":"AssumeRole",)"
                R"("userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/alice",)"
                R"("accountId":"111111111111"},"sourceIPAddress":"192.0.2.1"})"),
            "2024-01-02T03:04:05Z 111111111111 sts AssumeRole "
            "arn:aws:iam::111111111111:user/alice OK 192.0.2.1");
}

TEST(FormatRecordLineTest, ErrorCodeReplacesOk) {
  EXPECT_EQ(format_record_line(
                R"({"eventTime":"2024-01-02T03:04:05Z","recipientAccountId":"111111111111",)"
                R"("eventSource":"iam.amazonaws.com","eventName":"CreateRole","errorCode":"AccessDenied",)"
                R"("errorMessage":"no","userIdentity":{"type":"Root","arn":"arn:aws:iam::111111111111:root"},)"
                R"("sourceIPAddress":"127.0.0.1"})"),
            "2024-01-02T03:04:05Z 111111111111 iam CreateRole arn:aws:iam::111111111111:root "
            "AccessDenied 127.0.0.1");
}

TEST(FormatRecordLineTest, AssumedRoleShowsMfa) {
  auto record = [](const char* mfa) {
    return std::string(R"({"eventTime":"T","recipientAccountId":"1","eventSource":"s3.amazonaws.com",)"
                       R"("eventName":"ListBuckets","userIdentity":{"type":"AssumedRole",)"
                       R"("arn":"arn:aws:sts::1:assumed-role/R/s","sessionContext":{"attributes":)"
                       R"({"mfaAuthenticated":")") +
           mfa + R"("}}},"sourceIPAddress":"ip"})";
  };
  EXPECT_EQ(format_record_line(record("true")),
            "T 1 s3 ListBuckets arn:aws:sts::1:assumed-role/R/s mfa OK ip");
  EXPECT_EQ(format_record_line(record("false")),
            "T 1 s3 ListBuckets arn:aws:sts::1:assumed-role/R/s OK ip");
}

TEST(FormatRecordLineTest, CallersWithoutArn) {
  EXPECT_EQ(format_record_line(
                R"({"eventTime":"T","recipientAccountId":"2","eventSource":"sts.amazonaws.com",)"
                R"("eventName":"AssumeRole","userIdentity":{"type":"AWSAccount",)"
                R"("principalId":"AIDAX","accountId":"777788889999"},"sourceIPAddress":"ip"})"),
            "T 2 sts AssumeRole AWSAccount:777788889999 OK ip");
  EXPECT_EQ(format_record_line(
                R"({"eventTime":"T","recipientAccountId":"2","eventSource":"sts.amazonaws.com",)"
                R"("eventName":"AssumeRoleWithSAML","userIdentity":{"type":"SAMLUser",)"
                R"("principalId":"q:sub","userName":"sub"},"sourceIPAddress":"ip"})"),
            "T 2 sts AssumeRoleWithSAML SAMLUser OK ip");
}

TEST(FormatRecordLineTest, MissingFieldsAndOtherSources) {
  EXPECT_EQ(format_record_line("{}"), "- - - - - OK -");
  EXPECT_EQ(format_record_line(R"({"eventSource":"custom.example","userIdentity":[]})"),
            "- - custom.example - - OK -");
  EXPECT_EQ(format_record_line(R"({"eventSource":"signin.amazonaws.com","eventTime":7})"),
            "- - signin - - OK -");
}

TEST(FormatRecordLineTest, ControlCharactersCannotReachTheTerminal) {
  EXPECT_EQ(format_record_line(R"({"eventName":"A\u001b[31mB\nC","sourceIPAddress":"AWS Internal"})"),
            "- - - A?[31mB?C - OK AWS Internal");
}

TEST(FormatRecordLineTest, MalformedRecordsAreUnreadable) {
  for (const char* bad : {"", "not json", "[1,2]", "\"s\"", R"({"eventTime":)", "{} trailing"}) {
    EXPECT_EQ(format_record_line(bad), "<unreadable record>") << bad;
  }
}

class TailReaderTest : public ::testing::Test {
 protected:
  fs::path audit() const { return tmp_.path() / "audit"; }
  fs::path file(const std::string& account, const std::string& hour_iso, int part = 0,
                HourFileKind kind = HourFileKind::Plain) const {
    return audit() / hour_file_path(HourFile{account, hour_of(at(hour_iso)), part, kind});
  }
  void write(std::vector<Record> records) { ASSERT_TRUE(sink_.write(records)); }
  void write(const std::string& account, const std::string& time, const std::string& name) {
    write({make_record(account, time, name)});
  }

  TempDir tmp_;
  FileSink sink_{FileSinkOptions{tmp_.path() / "audit", std::chrono::hours(0), false, 64}};
};

using Names = std::vector<std::string>;

TEST_F(TailReaderTest, StartGivesTheLastRecordsAcrossAccountsInTimeOrder) {
  write({make_record(kA, "2024-01-02T10:00:01Z", "A1"), make_record(kB, "2024-01-02T10:30:00Z", "B1"),
         make_record(kA, "2024-01-02T11:05:00Z", "A2"), make_record(kB, "2024-01-02T11:01:00Z", "B2"),
         make_record(kA, "2024-01-02T11:10:00Z", "A3")});
  sink_.maintain(at("2024-01-02T11:03:00Z"));  // hour 10 is now .jsonl.gz
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T10:00:00Z", 0, HourFileKind::Gzip)));

  EXPECT_EQ(names(TailReader(audit(), "").start(3)), (Names{"B2", "A2", "A3"}));
  EXPECT_EQ(names(TailReader(audit(), "").start(4)), (Names{"B1", "B2", "A2", "A3"}));
  EXPECT_EQ(names(TailReader(audit(), "").start(100)), (Names{"A1", "B1", "B2", "A2", "A3"}));
  EXPECT_EQ(names(TailReader(audit(), kB).start(100)), (Names{"B1", "B2"}));
  EXPECT_TRUE(TailReader(audit(), "").start(0).empty());
  TailReader nobody(audit(), "333333333333");
  EXPECT_TRUE(nobody.start(10).empty());
  EXPECT_FALSE(nobody.saw_any_file());
}

TEST_F(TailReaderTest, APartFileCountsWithItsHour) {
  write(kA, "2024-01-02T10:00:00Z", "First");
  sink_.maintain(at("2024-01-02T12:00:00Z"));
  write(kA, "2024-01-02T10:30:00Z", "Late");
  write(kA, "2024-01-02T12:30:00Z", "Now");
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T10:00:00Z", 1)));
  EXPECT_EQ(names(TailReader(audit(), "").start(10)), (Names{"First", "Late", "Now"}));
}

TEST_F(TailReaderTest, PollGivesEachAppendedLineOnce) {
  write(kA, "2024-01-02T10:00:00Z", "Old");
  TailReader reader(audit(), "");
  EXPECT_TRUE(reader.start(0).empty());
  EXPECT_TRUE(reader.poll(false).empty());
  write({make_record(kA, "2024-01-02T10:01:00Z", "N1"), make_record(kB, "2024-01-02T10:00:30Z", "N2")});
  EXPECT_EQ(names(reader.poll(false)), (Names{"N2", "N1"}));  // by eventTime
  EXPECT_TRUE(reader.poll(false).empty());
  write(kA, "2024-01-02T10:02:00Z", "N3");
  EXPECT_EQ(names(reader.poll(true)), (Names{"N3"}));
}

TEST_F(TailReaderTest, APartialLineWaitsForItsNewline) {
  fs::path path = file(kA, "2024-01-02T10:00:00Z");
  fs::create_directories(path.parent_path());
  Record r = make_record(kA, "2024-01-02T10:00:00Z", "Whole");
  TailReader reader(audit(), "");
  reader.start(10);
  append_file(path, r.json.substr(0, 20));
  EXPECT_TRUE(reader.poll(false).empty());
  append_file(path, r.json.substr(20, 30));
  EXPECT_TRUE(reader.poll(false).empty());
  append_file(path, r.json.substr(50) + "\n" + "garbage\n");
  EXPECT_EQ(reader.poll(false), (Names{format_record_line(r.json), "<unreadable record>"}));
  EXPECT_TRUE(reader.poll(false).empty());
}

TEST_F(TailReaderTest, FollowsAFileThroughItsCompression) {
  write(kA, "2024-01-02T10:00:00Z", "L1");
  TailReader reader(audit(), "");
  EXPECT_EQ(names(reader.start(10)), (Names{"L1"}));
  // Written and compressed between two polls: the held descriptor still has the lines.
  write(kA, "2024-01-02T10:30:00Z", "L2");
  sink_.maintain(at("2024-01-02T11:05:00Z"));
  ASSERT_FALSE(fs::exists(file(kA, "2024-01-02T10:00:00Z")));
  EXPECT_EQ(names(reader.poll(false)), (Names{"L2"}));
  EXPECT_TRUE(reader.poll(false).empty());
  EXPECT_TRUE(reader.poll(true).empty());  // the .gz is not read again
  write(kA, "2024-01-02T11:06:00Z", "L3");
  write(kA, "2024-01-02T10:40:00Z", "Late");  // to a part file
  EXPECT_EQ(names(reader.poll(false)), (Names{"Late", "L3"}));
  EXPECT_TRUE(reader.poll(true).empty());
}

TEST_F(TailReaderTest, AFileCompressedBeforeItWasSeenIsReadFromItsGz) {
  TailReader reader(audit(), "");
  EXPECT_TRUE(reader.start(10).empty());
  EXPECT_FALSE(reader.saw_any_file());
  write({make_record(kA, "2024-01-02T10:00:00Z", "G1"), make_record(kA, "2024-01-02T10:10:00Z", "G2")});
  sink_.maintain(at("2024-01-02T12:00:00Z"));
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T10:00:00Z", 0, HourFileKind::Gzip)));
  EXPECT_EQ(names(reader.poll(false)), (Names{"G1", "G2"}));
  EXPECT_TRUE(reader.poll(true).empty());
  EXPECT_TRUE(reader.saw_any_file());
}

TEST_F(TailReaderTest, LateFilesInOldDaysAreFoundByTheFullScan) {
  write({make_record(kA, "2024-01-01T10:00:00Z", "D1"), make_record(kA, "2024-01-02T10:00:00Z", "D2"),
         make_record(kA, "2024-01-03T10:00:00Z", "D3")});
  sink_.maintain(at("2024-01-03T10:30:00Z"));
  TailReader reader(audit(), "");
  EXPECT_EQ(names(reader.start(10)), (Names{"D1", "D2", "D3"}));
  write(kA, "2024-01-01T10:20:00Z", "VeryLate");
  EXPECT_TRUE(reader.poll(false).empty());
  EXPECT_EQ(names(reader.poll(true)), (Names{"VeryLate"}));
}

TEST_F(TailReaderTest, AFileDeletedWhileHeldIsDrainedAndClosed) {
  write(kA, "2024-01-02T10:00:00Z", "X1");
  TailReader reader(audit(), "");
  reader.start(10);
  write(kA, "2024-01-02T10:01:00Z", "X2");
  fs::remove(file(kA, "2024-01-02T10:00:00Z"));
  EXPECT_EQ(names(reader.poll(false)), (Names{"X2"}));
  EXPECT_TRUE(reader.poll(true).empty());
}

TEST_F(TailReaderTest, RunTailWithoutRecordsSaysSo) {
  std::ostringstream out, err;
  std::atomic<bool> stop{false};
  TailOptions options{tmp_.path(), "", 20, false, std::chrono::milliseconds(10)};
  EXPECT_EQ(run_tail(options, out, err, stop), 0);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "no audit records in " + tmp_.path().string() + "\n");
}

TEST_F(TailReaderTest, RunTailPrintsTheLastN) {
  write({make_record(kA, "2024-01-02T10:00:00Z", "R1"), make_record(kB, "2024-01-02T10:01:00Z", "R2"),
         make_record(kA, "2024-01-02T10:02:00Z", "R3")});
  std::ostringstream out, err;
  std::atomic<bool> stop{false};
  TailOptions options{tmp_.path(), "", 2, false, std::chrono::milliseconds(10)};
  EXPECT_EQ(run_tail(options, out, err, stop), 0);
  EXPECT_EQ(names(split_lines(out.str())), (Names{"R2", "R3"}));
  EXPECT_EQ(err.str(), "");
  options.account = kA;
  options.lines = 20;
  std::ostringstream only_a;
  EXPECT_EQ(run_tail(options, only_a, err, stop), 0);
  EXPECT_EQ(names(split_lines(only_a.str())), (Names{"R1", "R3"}));
  options.account = "../x";
  EXPECT_EQ(run_tail(options, only_a, err, stop), 2);
}

TEST_F(TailReaderTest, RunTailFollowsWritesAcrossHoursAndCompressionEachLineOnce) {
  SyncBuf buf;
  std::ostream out(&buf);
  std::ostringstream err;
  std::atomic<bool> stop{false};
  TailOptions options{tmp_.path(), "", 20, true, std::chrono::milliseconds(5)};
  std::thread tail([&] { run_tail(options, out, err, stop); });

  constexpr int kCount = 60;
  Names expected;
  std::thread writer([&] {
    for (int i = 0; i < kCount; ++i) {
      // Two minutes apart: the first 30 in hour 10, the rest in hour 11.
      int minutes = i * 2;
      char time[32];
      std::snprintf(time, sizeof time, "2024-01-02T%02d:%02d:00Z", 10 + minutes / 60, minutes % 60);
      std::string name = "E" + std::to_string(i);
      expected.push_back(name);
      std::vector<Record> batch{make_record(i % 3 ? kA : kB, time, name)};
      ASSERT_TRUE(sink_.write(batch));
      if (i == 40) sink_.maintain(at("2024-01-02T11:30:00Z"));  // hour 10 compressed mid-way
      if (i % 4 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  writer.join();
  for (int waited = 0; waited < 1000 && split_lines(buf.str()).size() < kCount; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A little longer, to catch a duplicate printed late.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  tail.join();
  ASSERT_TRUE(fs::exists(file(kA, "2024-01-02T10:00:00Z", 0, HourFileKind::Gzip)));
  // Each line once. Within an account (one file at a time) the order is the writer's; across
  // files it need not be, since a poll reads one file after the other while the writer writes.
  Names got = names(split_lines(buf.str()));
  for (bool account_b : {false, true}) {
    auto of_account = [&](const Names& all) {
      Names out;
      for (const std::string& name : all) {
        if ((std::stoi(name.substr(1)) % 3 == 0) == account_b) out.push_back(name);
      }
      return out;
    };
    EXPECT_EQ(of_account(got), of_account(expected));
  }
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace iamd::audit
