// Reproducible randomness: std::mt19937_64 (its output sequence is fixed by the C++ standard)
// with our own bounded draws and shuffle, because std::uniform_int_distribution and std::shuffle
// may differ between standard libraries. Same seed → same results on every platform.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace winnow {

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang extension, fine on our targets

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift with rejection: unbiased).
  uint64_t uniform(uint64_t n) {
    Uint128 m = static_cast<Uint128>(next_u64()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next_u64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [0, 1).
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Fisher–Yates.
  template <typename Vector>
  void shuffle(Vector& v) {
    for (size_t i = v.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(uniform(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace winnow
