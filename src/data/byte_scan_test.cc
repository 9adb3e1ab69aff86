#include "data/byte_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace winnow {
namespace {

size_t naive_field_end(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' || s[i] == '\n' || s[i] == '\r') return i;
  }
  return s.size();
}

size_t naive_json_escape(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return s.size();
}

TEST(ByteScan, EveryByteValueAtEveryPositionOfAWord) {
  // A run of harmless bytes (including UTF-8 continuation bytes) with one byte of each value
  // placed at each position: both searches must agree with a byte-by-byte loop.
  for (size_t len = 0; len <= 19; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        for (size_t i = 0; i < len; i += 3) s[i] = static_cast<char>(0xC3);
        s[at] = static_cast<char>(b);
        ASSERT_EQ(find_csv_field_end(s.data(), s.size()), naive_field_end(s)) << len << at << b;
        ASSERT_EQ(find_json_escape(s.data(), s.size()), naive_json_escape(s)) << len << at << b;
      }
    }
  }
}

TEST(ByteScan, RandomTextAgreesWithAByteLoop) {
  std::mt19937 rng(7);
  // sizeof - 1: every byte of the literal but its terminating NUL (18 bytes).
  static const char kAlphabet[] = "abc ,\n\r\"\\\t\x01\x1f\x20\x7f\x80\xff\xe2\x9c";
  const std::string alphabet(kAlphabet, sizeof(kAlphabet) - 1);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, 'x');
    for (char& c : s) {
      if (rng() % 6 == 0) c = alphabet[rng() % alphabet.size()];
    }
    // Search from every start, as the callers do after each match.
    for (size_t from = 0; from <= s.size(); ++from) {
      const std::string tail = s.substr(from);
      ASSERT_EQ(find_csv_field_end(s.data() + from, s.size() - from), naive_field_end(tail));
      ASSERT_EQ(find_json_escape(s.data() + from, s.size() - from), naive_json_escape(tail));
      ASSERT_EQ(count_newlines(s.data() + from, s.size() - from),
                static_cast<uint64_t>(std::count(tail.begin(), tail.end(), '\n')));
    }
  }
}

}  // namespace
}  // namespace winnow
