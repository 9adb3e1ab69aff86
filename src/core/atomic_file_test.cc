#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace winnow {
namespace {

TEST(AtomicFile, CommitReplacesTheFileWhole) {
  testing::TempDir dir;
  std::string path = dir.file("a.txt");
  testing::write_file(path, "old");
  auto w = AtomicFileWriter::open(path);
  ASSERT_TRUE(w.is_ok());
  ASSERT_TRUE(w.value().write("new ").is_ok());
  EXPECT_EQ(testing::read_file(path), "old");  // not visible before commit
  ASSERT_TRUE(w.value().write("content").is_ok());
  ASSERT_TRUE(w.value().commit().is_ok());
  EXPECT_EQ(testing::read_file(path), "new content");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, AbandonedWriterLeavesOldFileAndNoTemporary) {
  testing::TempDir dir;
  std::string path = dir.file("a.txt");
  testing::write_file(path, "old");
  {
    auto w = AtomicFileWriter::open(path);
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE(w.value().write("partial").is_ok());
  }
  EXPECT_EQ(testing::read_file(path), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, UnwritableDirectoryIsAnIoErrorNamingThePath) {
  Status s = write_file_atomically("/nonexistent-dir/x.json", "{}");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("/nonexistent-dir/x.json"), std::string::npos);
}

}  // namespace
}  // namespace winnow
