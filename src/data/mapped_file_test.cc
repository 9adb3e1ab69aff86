#include "data/mapped_file.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

TEST(MappedFile, MapsTheBytesAndKeepsThemReadableAfterRelease) {
  testing::TempDir dir;
  std::string bytes;
  for (int i = 0; bytes.size() < (3u << 20) + 123; ++i) bytes += std::to_string(i) + ",";
  testing::write_file(dir.file("a.csv"), bytes);
  auto file = MappedFile::open(dir.file("a.csv"));
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  const MappedFile& f = file.value();
  EXPECT_EQ(f.size(), bytes.size());
  EXPECT_EQ(f.bytes(), bytes);
  // Released ranges (whole pages, partial pages at the ends, past the end) read the same again.
  f.release(0, 5000);
  f.release(4097, 1 << 20);
  f.release(0, f.size());
  f.release(f.size() - 10, f.size() + 100);
  f.prefetch(100, 2 << 20);
  EXPECT_EQ(f.bytes(), bytes);
  MappedFile moved = std::move(file).value();
  EXPECT_EQ(moved.bytes(), bytes);
}

TEST(MappedFile, MissingEmptyAndDirectoryAreErrorsNamingThePath) {
  testing::TempDir dir;
  auto missing = MappedFile::open(dir.file("nope.csv"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.csv"), std::string::npos);
  testing::write_file(dir.file("empty.csv"), "");
  auto empty = MappedFile::open(dir.file("empty.csv"));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("empty.csv"), std::string::npos);
  EXPECT_EQ(MappedFile::open(dir.path().string()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace winnow
