#include "train/compact_features.h"

#include <algorithm>

namespace winnow {
namespace {

// Writes v as a LEB128 varint at p; returns the end.
uint8_t* put_varint(uint64_t v, uint8_t* p) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

}  // namespace

void sort_by_key(std::vector<Feature>* features, std::vector<Feature>* scratch) {
  // LSD radix sort, 8 bits a pass (stable, linear): for a comment's few hundred n-grams it
  // is several times faster than a comparison sort, whose branches mispredict on random keys.
  // One read counts all four digits; a digit that is the same for every key (the high bits
  // of small buckets) needs no pass.
  const size_t n = features->size();
  uint32_t count[4][257] = {};
  for (const Feature& f : *features) {
    ++count[0][(f.key & 0xFF) + 1];
    ++count[1][((f.key >> 8) & 0xFF) + 1];
    ++count[2][((f.key >> 16) & 0xFF) + 1];
    ++count[3][(f.key >> 24) + 1];
  }
  scratch->resize(n);
  for (unsigned digit = 0; digit < 4; ++digit) {
    uint32_t* c = count[digit];
    if (std::find(c + 1, c + 257, n) != c + 257) continue;
    for (int d = 0; d < 256; ++d) c[d + 1] += c[d];
    const unsigned shift = 8 * digit;
    Feature* out = scratch->data();
    for (const Feature& f : *features) out[c[(f.key >> shift) & 0xFF]++] = f;
    features->swap(*scratch);
  }
}

void encode_counts(std::vector<Feature>* counts, std::vector<Feature>* scratch,
                   std::vector<uint8_t>* out) {
  sort_by_key(counts, scratch);
  // At most 5 bytes for a delta (33 bits with the flag) and 5 for a count.
  const size_t start = out->size();
  out->resize(start + counts->size() * 10);
  uint8_t* p = out->data() + start;
  uint32_t previous = 0;
  for (const Feature& f : *counts) {
    // Extracted values are whole counts >= 1 (FeatureHasher adds 1.0 per occurrence).
    const auto count = static_cast<uint32_t>(f.value);
    const uint64_t delta = f.key - previous;
    previous = f.key;
    p = put_varint(delta << 1 | (count > 1 ? 1u : 0u), p);
    if (count > 1) p = put_varint(count - 2, p);
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

}  // namespace winnow
