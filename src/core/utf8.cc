#include "core/utf8.h"

#include <cstdint>

namespace winnow {

size_t find_invalid_utf8(std::string_view bytes) {
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const auto b0 = static_cast<uint8_t>(bytes[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    // Length and the allowed range of the second byte (Unicode Table 3-7), which is what rules
    // out overlong forms, surrogates and code points above U+10FFFF.
    size_t length = 0;
    uint8_t second_min = 0x80, second_max = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      if (b0 == 0xE0) second_min = 0xA0;
      if (b0 == 0xED) second_max = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      if (b0 == 0xF0) second_min = 0x90;
      if (b0 == 0xF4) second_max = 0x8F;
    } else {
      return i;
    }
    if (i + length > n) return i;
    const auto b1 = static_cast<uint8_t>(bytes[i + 1]);
    if (b1 < second_min || b1 > second_max) return i;
    for (size_t k = 2; k < length; ++k) {
      const auto b = static_cast<uint8_t>(bytes[i + k]);
      if (b < 0x80 || b > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace winnow
