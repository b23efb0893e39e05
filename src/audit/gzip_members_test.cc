// gzip_members: files of independent gzip members that zlib and gzip read as one stream, walked by
// their headers and read back one member at a time; damaged files are refused without a crash.
#include "audit/gzip_members.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace iamd::audit::gzip_members {
namespace {

namespace fs = std::filesystem;

class GzipMembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "iamd-gzip-members-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string path(const char* name) const { return (dir_ / name).string(); }

  // Writes `input` through a MemberWriter in add() calls of the given sizes, cycling.
  static void write_members(const std::string& file, const std::string& input,
                            const std::vector<std::size_t>& chunks, int level = 6) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    MemberWriter writer(fd, level);
    std::size_t at = 0;
    for (std::size_t i = 0; at < input.size(); ++i) {
      std::size_t n = std::min(chunks[i % chunks.size()], input.size() - at);
      ASSERT_EQ(writer.add(std::string_view(input).substr(at, n)), 0);
      at += n;
    }
    ASSERT_EQ(writer.finish(), 0);
    ASSERT_EQ(::close(fd), 0);
  }

  static std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void spit(const std::string& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  }

  // The file's member map, or nullopt (what read_member_map says).
  static std::optional<std::vector<Member>> map_of(const std::string& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    ::fstat(fd, &st);
    auto map = read_member_map(fd, static_cast<std::uint64_t>(st.st_size));
    ::close(fd);
    return map;
  }
  static std::optional<std::string> member_of(const std::string& file, const Member& m) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    auto data = read_member(fd, m);
    ::close(fd);
    return data;
  }

  fs::path dir_;
};

// Varied JSON-ish lines of about 100 bytes; `starts` gets each line's offset.
std::string make_lines(int count, std::vector<std::size_t>* starts = nullptr) {
  std::string out;
  std::uint32_t seed = 12345;
  for (int i = 0; i < count; ++i) {
    seed = seed * 1103515245 + 12345;
    if (starts != nullptr) starts->push_back(out.size());
    out += R"({"n":)" + std::to_string(i) + R"(,"eventName":"Op)" + std::to_string(seed % 977) +
           R"(","pad":")" + std::string(40 + seed % 90, static_cast<char>('a' + seed % 26)) +
           "\"}\n";
  }
  return out;
}

// zlib's gzread, which reads concatenated members as one stream.
std::string gzread_all(const std::string& file) {
  gzFile z = ::gzopen(file.c_str(), "rb");
  if (z == nullptr) return "<gzopen failed>";
  std::string out;
  char buf[65536];
  int n;
  while ((n = ::gzread(z, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::gzclose(z);
  return n < 0 ? "<gzread failed>" : out;
}

TEST_F(GzipMembersTest, GzipManyLinesReadBackByMember) {
  std::vector<std::size_t> starts;
  const std::string input = make_lines(20000, &starts);
  const std::string file = path("a.jsonl.gz");
  write_members(file, input, {1, 7, 1000, 70000, 300000, 13});
  EXPECT_EQ(gzread_all(file), input);

  auto map = map_of(file);
  ASSERT_TRUE(map.has_value());
  ASSERT_GT(map->size(), 1u);
  std::uint64_t data_offset = 0;
  std::uint64_t offset = 0;
  for (const Member& m : *map) {
    EXPECT_EQ(m.offset, offset);
    EXPECT_EQ(m.data_offset, data_offset);
    EXPECT_LE(m.data_length, kMemberInput);
    auto data = member_of(file, m);
    ASSERT_TRUE(data.has_value());
    ASSERT_EQ(data->size(), m.data_length);
    EXPECT_EQ(data->back(), '\n');
    EXPECT_EQ(*data, input.substr(m.data_offset, m.data_length));
    offset += m.length;
    data_offset += m.data_length;
  }
  EXPECT_EQ(data_offset, input.size());
  EXPECT_EQ(offset, fs::file_size(file));

  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2500}, std::size_t{9999},
                        std::size_t{15001}, starts.size() - 1}) {
    const std::string line = input.substr(starts[i], input.find('\n', starts[i]) - starts[i] + 1);
    const Member* m = find_member(*map, starts[i]);
    ASSERT_NE(m, nullptr) << i;
    auto data = member_of(file, *m);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->substr(starts[i] - m->data_offset, line.size()), line) << i;
  }
  EXPECT_EQ(find_member(*map, input.size()), nullptr);
  EXPECT_EQ(find_member(*map, input.size() + 1000), nullptr);
}

TEST_F(GzipMembersTest, GzipLongLineStaysInOneMember) {
  const std::string longline = std::string(kMemberInput + 50000, 'x') + "\n";
  const std::string input = "a\n" + longline + "b\n";
  const std::string file = path("long.jsonl.gz");
  write_members(file, input, {4096});
  auto map = map_of(file);
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 3u);
  EXPECT_EQ(member_of(file, (*map)[0]), "a\n");
  EXPECT_EQ(member_of(file, (*map)[1]), longline);
  EXPECT_EQ(member_of(file, (*map)[2]), "b\n");
  EXPECT_EQ(gzread_all(file), input);
}

TEST_F(GzipMembersTest, GzipLineBeyondTheMaximumIsCut) {
  // Whole, it would make a member no reader accepts: it is cut at kMaxMemberData instead.
  const std::string input = std::string(kMaxMemberData + 10, 'y') + "\n";
  const std::string file = path("huge.jsonl.gz");
  write_members(file, input, {1 << 20}, 1);
  auto map = map_of(file);
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 2u);
  EXPECT_EQ((*map)[0].data_length, kMaxMemberData);
  EXPECT_EQ(member_of(file, (*map)[1]), std::string(10, 'y') + "\n");
  EXPECT_EQ(gzread_all(file), input);
}

TEST_F(GzipMembersTest, GzipDamageIsRefused) {
  std::string good;
  std::vector<std::string> parts;
  for (int i = 0; i < 4; ++i) {
    parts.push_back(make_lines(50 + i));
    append_member(good, parts.back());
  }
  const std::string file = path("d.jsonl.gz");
  spit(file, good);
  auto map = map_of(file);
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 4u);
  const Member m1 = (*map)[1];
  EXPECT_EQ(member_of(file, m1), parts[1]);

  auto with = [&](std::size_t at, unsigned char value) {
    std::string bytes = good;
    bytes[at] = static_cast<char>(value);
    spit(file, bytes);
  };
  // Truncated: in the last member, and just after a header.
  spit(file, good.substr(0, good.size() - 1));
  EXPECT_FALSE(map_of(file).has_value());
  spit(file, good.substr(0, m1.offset + kHeaderSize));
  EXPECT_FALSE(map_of(file).has_value());
  // A byte of compressed data flipped: the map is fine, the member is not.
  const std::size_t mid = m1.offset + kHeaderSize + (m1.length - kHeaderSize - 8) / 2;
  with(mid, static_cast<unsigned char>(good[mid]) ^ 0x55);
  ASSERT_TRUE(map_of(file).has_value());
  EXPECT_FALSE(member_of(file, m1).has_value());
  // The CRC, and ISIZE.
  with(m1.offset + m1.length - 8, static_cast<unsigned char>(good[m1.offset + m1.length - 8]) ^ 1);
  EXPECT_FALSE(member_of(file, m1).has_value());
  with(m1.offset + m1.length - 1, 0x7f);
  EXPECT_FALSE(member_of(file, m1).has_value());
  // A wrong magic byte, in the first and in a later member.
  with(0, 0x1e);
  EXPECT_FALSE(map_of(file).has_value());
  with((*map)[2].offset + 1, 0x8c);
  EXPECT_FALSE(map_of(file).has_value());
  // Another flag (FNAME) set.
  with(m1.offset + 3, 0x0c);
  EXPECT_FALSE(map_of(file).has_value());
  // A huge claimed data_length, and a huge claimed member length.
  with(m1.offset + 23, 0xff);
  EXPECT_FALSE(map_of(file).has_value());
  with(m1.offset + 19, 0xff);
  EXPECT_FALSE(map_of(file).has_value());
  // A data_length one off: plausible to the map, refused by the read.
  with(m1.offset + 20, static_cast<unsigned char>(good[m1.offset + 20]) - 1);
  auto off_by_one = map_of(file);
  ASSERT_TRUE(off_by_one.has_value());
  EXPECT_FALSE(member_of(file, (*off_by_one)[1]).has_value());
  // A Member that does not describe the file, or claims too much to allocate.
  spit(file, good);
  EXPECT_FALSE(member_of(file, Member{m1.offset + 1, m1.length, 0, m1.data_length}).has_value());
  EXPECT_FALSE(member_of(file, Member{m1.offset, m1.length, 0, m1.data_length + 1}).has_value());
  EXPECT_FALSE(member_of(file, Member{m1.offset, UINT32_MAX, 0, UINT32_MAX}).has_value());
  EXPECT_FALSE(member_of(file, Member{good.size() - 10, 40, 0, 0}).has_value());
  // Not gzip at all.
  spit(file, std::string(1000, 'z'));
  EXPECT_FALSE(map_of(file).has_value());

  // Every single-byte change anywhere: refused, or (header fields readers ignore, padding bits)
  // read back unchanged; never a crash or a wrong member.
  for (std::size_t at = 0; at < good.size(); at += 7) {
    with(at, static_cast<unsigned char>(good[at]) ^ (1u << (at % 8)));
    auto damaged = map_of(file);
    if (!damaged) continue;
    for (const Member& m : *damaged) {
      auto data = member_of(file, m);
      if (data) {
        EXPECT_EQ(*data, parts[static_cast<std::size_t>(&m - damaged->data())]) << at;
      }
    }
  }
}

TEST_F(GzipMembersTest, GzipToolReadsTheFile) {
  if (::access("/bin/gzip", X_OK) != 0) GTEST_SKIP() << "no /bin/gzip";
  const std::string input = make_lines(8000);
  const std::string file = path("t.jsonl.gz");
  write_members(file, input, {65536});
  ASSERT_GT(map_of(file)->size(), 1u);
  EXPECT_EQ(std::system(("/bin/gzip -t '" + file + "'").c_str()), 0);
  const std::string out = path("t.jsonl");
  ASSERT_EQ(std::system(("/bin/gzip -dc '" + file + "' > '" + out + "'").c_str()), 0);
  EXPECT_EQ(slurp(out), input);
}

TEST_F(GzipMembersTest, GzipEmptyInput) {
  const std::string file = path("e.jsonl.gz");
  write_members(file, "", {1});
  EXPECT_EQ(fs::file_size(file), 0u);
  auto map = map_of(file);
  ASSERT_TRUE(map.has_value());
  EXPECT_TRUE(map->empty());
  EXPECT_EQ(find_member(*map, 0), nullptr);

  // An empty member is valid (34 bytes) and passed over by find_member.
  std::string bytes;
  append_member(bytes, "");
  append_member(bytes, "x\n");
  spit(file, bytes);
  map = map_of(file);
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 2u);
  EXPECT_EQ(member_of(file, (*map)[0]), "");
  EXPECT_EQ(find_member(*map, 0), &(*map)[1]);
  EXPECT_EQ(gzread_all(file), "x\n");
}

}  // namespace
}  // namespace iamd::audit::gzip_members
