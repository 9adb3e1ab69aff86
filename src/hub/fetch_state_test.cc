#include "hub/fetch_state.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

TEST(KeepCompleteLines, CutsAnUnterminatedLastLine) {
  TempDir dir;
  std::string path = dir.file("rows.jsonl");
  testing::write_file(path, "{\"a\":1}\n{\"a\":2}\n{\"a\":");
  auto kept = keep_complete_lines(path, UINT64_MAX);
  ASSERT_TRUE(kept.is_ok()) << kept.status().to_string();
  EXPECT_EQ(kept.value(), 2u);
  EXPECT_EQ(testing::read_file(path), "{\"a\":1}\n{\"a\":2}\n");
}

TEST(KeepCompleteLines, KeepsAtMostMaxLines) {
  TempDir dir;
  std::string path = dir.file("rows.jsonl");
  testing::write_file(path, "1\n2\n3\n4\n");
  EXPECT_EQ(keep_complete_lines(path, 3).value(), 3u);
  EXPECT_EQ(testing::read_file(path), "1\n2\n3\n");
  EXPECT_EQ(keep_complete_lines(path, 0).value(), 0u);
  EXPECT_EQ(testing::read_file(path), "");
}

TEST(KeepCompleteLines, StopsAtNulBytesLeftByAPowerLoss) {
  TempDir dir;
  std::string path = dir.file("rows.jsonl");
  testing::write_file(path, std::string("{}\n{}\n\0\0\0\n{}\n", 13));
  EXPECT_EQ(keep_complete_lines(path, UINT64_MAX).value(), 2u);
  EXPECT_EQ(testing::read_file(path), "{}\n{}\n");
}

TEST(KeepCompleteLines, MissingFileIsZeroAndNotCreated) {
  TempDir dir;
  EXPECT_EQ(keep_complete_lines(dir.file("none.jsonl"), UINT64_MAX).value(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.file("none.jsonl")));
}

TEST(HubFetchState, RoundTripsAndRejectsForeignFiles) {
  TempDir dir;
  std::string path = dir.file("x.jsonl.hub.json");
  EXPECT_FALSE(read_hub_fetch_state(path).value().has_value());
  HubFetchState state{"google/civil_comments", "default", "train", 1804874, true};
  ASSERT_TRUE(write_hub_fetch_state(path, state).is_ok());
  auto back = read_hub_fetch_state(path);
  ASSERT_TRUE(back.is_ok() && back.value().has_value()) << back.status().to_string();
  EXPECT_EQ(back.value()->dataset, "google/civil_comments");
  EXPECT_EQ(back.value()->split, "train");
  EXPECT_EQ(back.value()->num_rows_total, 1804874u);
  EXPECT_TRUE(back.value()->partial);

  testing::write_file(path, "{\"format\": \"something else\"}");
  EXPECT_EQ(read_hub_fetch_state(path).status().code(), StatusCode::kCorruption);
}

TEST(DurableAppender, AppendsToExistingContent) {
  TempDir dir;
  std::string path = dir.file("a.jsonl");
  testing::write_file(path, "1\n");
  {
    auto out = DurableAppender::open(path);
    ASSERT_TRUE(out.is_ok());
    ASSERT_TRUE(out->append("2\n3\n").is_ok());
    ASSERT_TRUE(out->sync().is_ok());
    ASSERT_TRUE(out->append("4\n").is_ok());
  }
  EXPECT_EQ(testing::read_file(path), "1\n2\n3\n4\n");
  EXPECT_EQ(DurableAppender::open(dir.file("no/such/dir.jsonl")).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace winnow
