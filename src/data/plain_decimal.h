// A fast path for reading score columns, which hold plain decimals ("0", "0.666667", "12.5").
#pragma once

#include <cstdint>
#include <string_view>

namespace winnow {

// Plain decimals ("0", "0.666667", "12.5"; at most 15 digits, no sign or exponent), which is
// what score columns hold, without the general parser: the digits form an integer m < 10^15 and
// the value is m / 10^k with k <= 15. Both are exact doubles, so the one division is correctly
// rounded: the same double std::from_chars gives. Anything else returns false (caller falls back).
inline bool parse_plain_decimal(std::string_view text, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (text.empty() || text.size() > 16) return false;
  uint64_t m = 0;
  int digits = 0, fraction = -1;  // fraction: digits after the '.', -1 before it
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      m = m * 10 + static_cast<uint64_t>(c - '0');
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || digits > 15 || fraction == 0) return false;  // "." or "1." go the long way
  *out = static_cast<double>(m) / kPow10[fraction < 0 ? 0 : fraction];
  return true;
}

}  // namespace winnow
