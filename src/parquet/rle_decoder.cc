#include "parquet/rle_decoder.h"

#include <algorithm>

namespace winnow::parquet {

int bit_width_of(uint32_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

bool RleDecoder::next_run() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= size_ || shift > 63) return false;
    const uint8_t b = data_[pos_++];
    header |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  if ((header & 1) == 0) {
    const size_t value_bytes = static_cast<size_t>(bit_width_ + 7) / 8;
    if (size_ - pos_ < value_bytes) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
    pos_ += value_bytes;
    if (bit_width_ < 32 && (v >> bit_width_) != 0) return false;  // wider than the bit width
    packed_ = false;
    rle_value_ = v;
    run_left_ = header >> 1;
  } else {
    const uint64_t groups = header >> 1;
    const uint64_t bytes_left = size_ - pos_;
    uint64_t values = groups * 8;
    if (groups > (UINT64_MAX / 8) / 33) return false;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    if (bytes > bytes_left) {
      // A cut-off last run: keep the values whose bits are all there.
      bytes = bytes_left;
      values = bit_width_ == 0 ? values : bytes_left * 8 / static_cast<uint64_t>(bit_width_);
    }
    packed_ = true;
    packed_byte_ = pos_;
    packed_index_ = 0;
    run_left_ = values;
    pos_ += static_cast<size_t>(bytes);
  }
  return true;
}

bool RleDecoder::get(uint32_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (run_left_ == 0) {
      if (!next_run()) return false;
      continue;  // a run may be empty
    }
    const size_t take = static_cast<size_t>(std::min<uint64_t>(run_left_, n - done));
    if (!packed_) {
      std::fill(out + done, out + done + take, rle_value_);
    } else if (bit_width_ == 0) {
      std::fill(out + done, out + done + take, 0u);
      packed_index_ += take;
    } else {
      const uint64_t mask = bit_width_ == 32 ? 0xffffffffull : ((1ull << bit_width_) - 1);
      for (size_t i = 0; i < take; ++i) {
        const uint64_t bit = (packed_index_ + i) * static_cast<uint64_t>(bit_width_);
        const size_t byte = packed_byte_ + static_cast<size_t>(bit / 8);
        // Up to 5 bytes hold one value of <= 32 bits; the run's bytes were checked to be there.
        uint64_t word = 0;
        const size_t avail = std::min<size_t>(8, pos_ - byte);
        for (size_t k = 0; k < avail; ++k)
          word |= static_cast<uint64_t>(data_[byte + k]) << (8 * k);
        out[done + i] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
      }
      packed_index_ += take;
    }
    run_left_ -= take;
    done += take;
  }
  return true;
}

}  // namespace winnow::parquet
