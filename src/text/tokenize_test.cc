#include "text/tokenize.h"

#include <gtest/gtest.h>

#include <string>

namespace winnow {
namespace {

std::vector<std::string> words(std::string_view s) {
  std::vector<TokenSpan> spans;
  split_words(s, &spans);
  std::vector<std::string> out;
  for (const TokenSpan& t : spans) out.emplace_back(s.substr(t.begin, t.end - t.begin));
  return out;
}

std::vector<std::string> chunks(std::string_view s) {
  std::vector<TokenSpan> spans;
  split_chunks(s, &spans);
  std::vector<std::string> out;
  for (const TokenSpan& t : spans) out.emplace_back(s.substr(t.begin, t.end - t.begin));
  return out;
}

TEST(SplitWords, SplitsOnPunctuationAndKeepsInnerApostrophes) {
  EXPECT_EQ(words("don't stop, you're 2 good!!"),
            (std::vector<std::string>{"don't", "stop", "you're", "2", "good"}));
}

TEST(SplitWords, KeepsNonAsciiLettersInsideWords) {
  EXPECT_EQ(words("café au lait"), (std::vector<std::string>{"café", "au", "lait"}));
}

TEST(SplitWords, EmptyAndPunctuationOnlyTextsHaveNoWords) {
  EXPECT_TRUE(words("").empty());
  EXPECT_TRUE(words(" ?!' ...").empty());
}

TEST(SplitChunks, SplitsOnSpacesOnly) {
  EXPECT_EQ(chunks("  hi,  there!! "), (std::vector<std::string>{"hi,", "there!!"}));
}

}  // namespace
}  // namespace winnow
