// Compact storage of hashed n-gram counts for the training split: each sample's distinct
// n-grams sorted by key and delta-coded as varints, each carrying its count, about 2-3 bytes
// per n-gram instead of the 8 of a Feature. Values are not stored: they are recomputed exactly
// when read, as tf(count) x idf[bucket] x the sample's group scale (see tfidf_value), so the
// learner sees what weigh_features would give the sorted n-grams, bit for bit.
//
// Encoding of one sample (its bytes are delimited by the caller): per n-gram in ascending key
// order (key = group bit 31 | bucket, as FeatureHasher::extract gives them), the varint of
// (key - previous key) << 1 | (count > 1), the previous key starting at 0; when that low bit is
// set, the varint of count - 2 follows. Varints are LEB128: 7 bits a byte, low bits first.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "text/feature_hasher.h"

namespace winnow {

// Sorts `features` by key, ascending (stable); *scratch is working space.
void sort_by_key(std::vector<Feature>* features, std::vector<Feature>* scratch);

// Sorts `counts` (extracted n-grams: value = a whole count >= 1) by key and appends their
// encoding to *out. Every extracted count is encodable, so this cannot fail. *scratch is
// working space (kept by the caller so that a loop over samples allocates nothing).
void encode_counts(std::vector<Feature>* counts, std::vector<Feature>* scratch,
                   std::vector<uint8_t>* out);

// Calls f(key, count) for each n-gram of one sample's encoding, in ascending key order.
// `bytes` must be exactly what encode_counts appended for that sample (trusted input: the
// encoding never leaves the process).
template <typename F>
inline void for_each_count(std::span<const uint8_t> bytes, F&& f) {
  const uint8_t* p = bytes.data();
  const uint8_t* const end = p + bytes.size();
  auto varint = [&p]() {
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      const uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) return v;
    }
  };
  uint32_t key = 0;
  while (p < end) {
    const uint64_t u = varint();
    key += static_cast<uint32_t>(u >> 1);
    const uint32_t count = (u & 1) ? static_cast<uint32_t>(varint()) + 2 : 1;
    f(key, count);
  }
}

}  // namespace winnow
