#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace winnow {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(FindInvalidUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(find_invalid_utf8(""), kValid);
  EXPECT_EQ(find_invalid_utf8("plain ascii"), kValid);
  // 2-, 3- and 4-byte forms at their range edges: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
  // U+FFFF, U+10000, U+10FFFF.
  EXPECT_EQ(find_invalid_utf8("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"
                              "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"),
            kValid);
}

TEST(FindInvalidUtf8, ReportsOffsetOfFirstBadSequence) {
  const std::pair<std::string, size_t> cases[] = {
      {"ab\x80", 2},            // stray continuation byte
      {"a\xC0\xAF", 1},         // overlong '/'
      {"\xC1\xBF", 0},          // overlong 2-byte
      {"\xE0\x9F\xBF", 0},      // overlong 3-byte
      {"\xF0\x8F\xBF\xBF", 0},  // overlong 4-byte
      {"xy\xED\xA0\x80", 2},    // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
      {"\xF5\x80\x80\x80", 0},  // lead byte that never occurs
      {"ok\xE2\x82", 2},        // truncated at the end
      {"\xE2\x28\xA1", 0},      // bad continuation
      {"\xC3\xA9\xFF", 2},      // good then bad
  };
  for (const auto& [bytes, offset] : cases) {
    EXPECT_EQ(find_invalid_utf8(bytes), offset) << ::testing::PrintToString(bytes);
  }
}

}  // namespace
}  // namespace winnow
