#include "train/compact_features.h"

#include <algorithm>

namespace winnow {
namespace {

void put_varint(uint64_t v, std::vector<uint8_t>* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

}  // namespace

void encode_counts(std::vector<Feature>* counts, std::vector<uint8_t>* out) {
  std::sort(counts->begin(), counts->end(),
            [](const Feature& a, const Feature& b) { return a.key < b.key; });
  uint32_t previous = 0;
  for (const Feature& f : *counts) {
    // Extracted values are whole counts >= 1 (FeatureHasher adds 1.0 per occurrence).
    const auto count = static_cast<uint32_t>(f.value);
    const uint64_t delta = f.key - previous;
    previous = f.key;
    put_varint(delta << 1 | (count > 1 ? 1u : 0u), out);
    if (count > 1) put_varint(count - 2, out);
  }
}

}  // namespace winnow
