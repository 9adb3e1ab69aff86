#include "data/byte_source.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

std::vector<std::string> all_lines(const std::string& path, Status* error = nullptr) {
  auto src = open_byte_source(path);
  EXPECT_TRUE(src.is_ok()) << src.status().to_string();
  LineReader reader(std::move(src).value(), 8);  // tiny buffer: exercises refills and growth
  std::vector<std::string> lines;
  std::string_view line;
  for (;;) {
    auto r = reader.next(&line);
    if (!r.is_ok()) {
      if (error != nullptr) *error = r.status();
      break;
    }
    if (!r.value()) break;
    lines.emplace_back(line);
  }
  return lines;
}

TEST(LineReader, SplitsLinesStripsCrAndBom) {
  TempDir dir;
  testing::write_file(dir.file("a.txt"), "\xEF\xBB\xBFone\r\ntwo that is longer than eight\nlast");
  EXPECT_EQ(all_lines(dir.file("a.txt")),
            (std::vector<std::string>{"one", "two that is longer than eight", "last"}));
}

TEST(LineReader, ReadsGzipByMagicNotExtension) {
  TempDir dir;
  testing::write_gzip_file(dir.file("data.jsonl"), "x\ny\n");
  EXPECT_EQ(all_lines(dir.file("data.jsonl")), (std::vector<std::string>{"x", "y"}));
}

TEST(LineReader, TruncatedGzipIsCorruption) {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i * 7919) + "\n";
  testing::write_gzip_file(dir.file("full.gz"), big);
  std::string bytes = testing::read_file(dir.file("full.gz"));
  testing::write_file(dir.file("cut.gz"), bytes.substr(0, bytes.size() / 2));
  Status error;
  all_lines(dir.file("cut.gz"), &error);
  EXPECT_EQ(error.code(), StatusCode::kCorruption);
  EXPECT_NE(error.message().find("cut.gz: truncated gzip"), std::string::npos) << error.message();
}

TEST(ByteSource, MissingFileIsNotFoundWithPath) {
  auto src = open_byte_source("/nonexistent/x.csv");
  ASSERT_FALSE(src.is_ok());
  EXPECT_EQ(src.status().code(), StatusCode::kNotFound);
  EXPECT_NE(src.status().message().find("/nonexistent/x.csv"), std::string::npos);
}

TEST(ByteSource, ReaderBufferOfASmallPlainFileIsItsSizeNotAMegabyte) {
  TempDir dir;
  testing::write_file(dir.file("small.txt"), std::string(100, 'x'));
  testing::write_gzip_file(dir.file("small.gz"), std::string(100, 'x'));
  auto plain = open_byte_source(dir.file("small.txt"));
  auto gzip = open_byte_source(dir.file("small.gz"));
  ASSERT_TRUE(plain.is_ok() && gzip.is_ok());
  EXPECT_EQ(initial_buffer_bytes(**plain, 1 << 20), 101u);
  EXPECT_EQ(initial_buffer_bytes(**plain, 64), 64u);
  // Decompressed sizes are unknown: gzip sources keep the requested buffer.
  EXPECT_EQ(initial_buffer_bytes(**gzip, 1 << 20), 1u << 20);
}

}  // namespace
}  // namespace winnow
