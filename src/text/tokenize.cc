#include "text/tokenize.h"

#include <algorithm>
#include <limits>

namespace winnow {
namespace {

inline bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

inline uint32_t clamp_size(size_t n) {
  return static_cast<uint32_t>(std::min<size_t>(n, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

void split_words(std::string_view text, std::vector<TokenSpan>* words) {
  words->clear();
  const uint32_t n = clamp_size(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  uint32_t i = 0;
  while (i < n) {
    while (i < n && !is_word_byte(s[i])) ++i;
    if (i == n) break;
    const uint32_t begin = i;
    while (i < n) {
      if (is_word_byte(s[i])) {
        ++i;
      } else if (s[i] == '\'' && i + 1 < n && is_word_byte(s[i + 1])) {
        i += 2;
      } else {
        break;
      }
    }
    words->push_back({begin, i});
  }
}

void split_chunks(std::string_view text, std::vector<TokenSpan>* chunks) {
  chunks->clear();
  const uint32_t n = clamp_size(text.size());
  uint32_t i = 0;
  while (i < n) {
    while (i < n && text[i] == ' ') ++i;
    if (i == n) break;
    const uint32_t begin = i;
    while (i < n && text[i] != ' ') ++i;
    chunks->push_back({begin, i});
  }
}

}  // namespace winnow
