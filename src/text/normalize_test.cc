#include "text/normalize.h"

#include <gtest/gtest.h>

namespace winnow {
namespace {

std::string norm(std::string_view s) {
  std::string out;
  normalize_text(s, &out);
  return out;
}

TEST(NormalizeText, LowercasesAscii) { EXPECT_EQ(norm("Hello WORLD 42!"), "hello world 42!"); }

TEST(NormalizeText, LowercasesLatinGreekAndCyrillicCapitals) {
  EXPECT_EQ(norm("ÉCOLE Ünd ΣΩ ПРИВЕТ"), "école ünd σω привет");
}

TEST(NormalizeText, TurnsControlCharactersIntoSpaces) {
  EXPECT_EQ(norm("a\tb\nc\r\x7f"), "a b c  ");
}

TEST(NormalizeText, PassesInvalidUtf8Through) {
  const std::string bad = "ok\xC3(\xFF\xE2\x82";
  EXPECT_EQ(norm(bad), bad);
}

TEST(NormalizeText, AppendsToExistingOutput) {
  std::string out = "x";
  normalize_text("AB", &out);
  EXPECT_EQ(out, "xab");
}

}  // namespace
}  // namespace winnow
