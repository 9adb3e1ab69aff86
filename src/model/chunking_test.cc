#include "model/chunking.h"

#include <gtest/gtest.h>

#include <string>

namespace winnow {
namespace {

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "w" + std::to_string(i) + (i + 1 < n ? " " : "");
  return s;
}

TEST(Chunking, TextsThatFitTheWindowAreReadWhole) {
  FeatureScratch scratch;
  std::vector<TokenSpan> out;
  ChunkingConfig c{10, 2, ChunkAggregate::kMax};
  chunk_ranges(words(10), c, &scratch, &out);
  EXPECT_TRUE(out.empty());
  chunk_ranges("", c, &scratch, &out);
  EXPECT_TRUE(out.empty());
  c.window_words = 0;  // never split
  chunk_ranges(words(1000), c, &scratch, &out);
  EXPECT_TRUE(out.empty());
}

TEST(Chunking, WindowsOverlapCoverEverythingAndTheLastEndsWithTheText) {
  FeatureScratch scratch;
  std::vector<TokenSpan> out;
  const std::string text = words(25) + "!!";
  chunk_ranges(text, ChunkingConfig{10, 2, ChunkAggregate::kMax}, &scratch, &out);
  // Starts at words 0, 8, 16 (stride 8); 16 + 10 >= 25, so the last is words 15..24.
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].begin, 0u);
  EXPECT_EQ(text.substr(out[1].begin, 2), "w8");
  EXPECT_EQ(text.substr(out[2].begin, 3), "w15");
  EXPECT_EQ(out[2].end, text.size());
  // A chunk ends where the word after its last starts: w0..w9 and the space after w9.
  EXPECT_EQ(text.substr(out[0].begin, out[0].end - out[0].begin), words(10) + " ");
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i].begin, out[i - 1].end);
}

TEST(Chunking, ValidateAndParse) {
  EXPECT_TRUE((ChunkingConfig{10, 9, ChunkAggregate::kMax}).validate().is_ok());
  EXPECT_FALSE((ChunkingConfig{10, 10, ChunkAggregate::kMax}).validate().is_ok());
  EXPECT_FALSE((ChunkingConfig{2'000'000, 0, ChunkAggregate::kMax}).validate().is_ok());
  EXPECT_EQ(parse_chunk_aggregate("mean").value(), ChunkAggregate::kMean);
  EXPECT_FALSE(parse_chunk_aggregate("median").is_ok());
}

}  // namespace
}  // namespace winnow
