// Parquet's RLE / bit-packing hybrid encoding, used for definition levels, dictionary indices
// and RLE booleans. A stream is a sequence of runs, each starting with a ULEB128 header:
//   header & 1 == 0: an RLE run of (header >> 1) copies of one value stored in
//                    ceil(bit_width / 8) little-endian bytes;
//   header & 1 == 1: a bit-packed run of (header >> 1) groups of 8 values, bit_width bits each,
//                    packed LSB first.
// The decoder is incremental (values are pulled in batches) and never reads outside its span. A
// last bit-packed run shorter than its header says (a writer's padding cut off) yields the
// values its bytes hold, as Arrow's reader does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace winnow::parquet {

class RleDecoder {
 public:
  RleDecoder() = default;
  // `bit_width` must be 0..32 (checked by the caller).
  RleDecoder(const uint8_t* data, size_t size, int bit_width)
      : data_(data), size_(size), bit_width_(bit_width) {}

  // Decodes the next `n` values into out[0, n). Returns false (and decodes nothing more) when
  // the data ends first or a run header is malformed.
  bool get(uint32_t* out, size_t n);
  // Bytes consumed so far (the end of the last run header or value read).
  size_t position() const { return pos_; }

 private:
  bool next_run();

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  int bit_width_ = 0;
  // Current run.
  bool packed_ = false;
  uint64_t run_left_ = 0;  // values left in the run
  uint32_t rle_value_ = 0;
  size_t packed_byte_ = 0;     // start of the packed values
  uint64_t packed_index_ = 0;  // next value's index within the packed run
};

// Bits needed for values 0..max_value (0 for 0).
int bit_width_of(uint32_t max_value);

}  // namespace winnow::parquet
