#include "text/normalize.h"

#include <cstdint>

namespace winnow {
namespace {

// Lowercase of a 2-byte UTF-8 code point, or the code point itself. Each case below keeps the
// encoded length at 2 bytes, which is what lets the output never outgrow the input.
uint32_t lower_2byte(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;     // Latin-1 letters
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;  // Greek capitals
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;                 // Cyrillic Ѐ-Џ
  return cp;
}

}  // namespace

void normalize_text(std::string_view text, std::string* out) {
  const size_t n = text.size();
  const size_t start = out->size();
  out->resize(start + n);
  char* dst = out->data() + start;
  size_t j = 0;
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        dst[j++] = static_cast<char>(c + 32);
      } else if (c < 0x20 || c == 0x7F) {
        dst[j++] = ' ';
      } else {
        dst[j++] = static_cast<char>(c);
      }
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < n &&
        (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      if (cp >= 0x80) cp = lower_2byte(cp);  // overlong encodings are left as they are
      if (cp >= 0x80) {
        dst[j++] = static_cast<char>(0xC0 | (cp >> 6));
        dst[j++] = static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        dst[j++] = text[i];
        dst[j++] = text[i + 1];
      }
      i += 2;
      continue;
    }
    dst[j++] = text[i++];
  }
  out->resize(start + j);
}

}  // namespace winnow
