// Byte searches for the prepare pipeline's hot loops: the CSV reader looking for the end of an
// unquoted field and counting line breaks, and the JSON writer looking for bytes to escape.
// Eight bytes are tested with a few integer operations (the classic "has a zero byte" trick);
// only words that may contain a match are looked at byte by byte, so results are exact.
// Portable C++ (no intrinsics) and independent of byte order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace winnow {
namespace byte_scan {

inline constexpr uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Non-zero if some byte of `v` is zero (never zero when one is; may flag bytes after it).
inline uint64_t zero_byte(uint64_t v) { return (v - kOnes) & ~v & kHighs; }
// Non-zero if some byte of `v` is below `n` (n <= 128), with the same guarantee.
inline uint64_t byte_below(uint64_t v, uint8_t n) { return (v - kOnes * n) & ~v & kHighs; }

inline uint64_t load(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace byte_scan

// Index of the first ',', '\n' or '\r' in [p, p + n), or n if there is none.
inline size_t find_csv_field_end(const char* p, size_t n) {
  using namespace byte_scan;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t v = load(p + i);
    if ((zero_byte(v ^ (kOnes * ',')) | zero_byte(v ^ (kOnes * '\n')) |
         zero_byte(v ^ (kOnes * '\r'))) != 0) {
      break;
    }
  }
  for (; i < n; ++i) {
    const char c = p[i];
    if (c == ',' || c == '\n' || c == '\r') return i;
  }
  return n;
}

// Number of '\n' in [p, p + n). Line breaks inside quoted fields are rare, so jumping between
// them with memchr (vectorized in glibc) beats looking at every byte.
inline uint64_t count_newlines(const char* p, size_t n) {
  uint64_t count = 0;
  const char* const end = p + n;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    ++count;
    p = static_cast<const char*>(nl) + 1;
  }
  return count;
}

// Index of the first byte JSON requires escaping in a string ('"', '\\' or below 0x20) in
// [p, p + n), or n if there is none.
inline size_t find_json_escape(const char* p, size_t n) {
  using namespace byte_scan;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t v = load(p + i);
    if ((byte_below(v, 0x20) | zero_byte(v ^ (kOnes * '"')) | zero_byte(v ^ (kOnes * '\\'))) != 0) {
      break;
    }
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return n;
}

}  // namespace winnow
