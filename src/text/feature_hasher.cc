#include "text/feature_hasher.h"

// Header-only use of xxhash: inlined, so nothing to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstddef>

#include "text/normalize.h"

namespace winnow {
namespace {

// Seeds keep word n-grams of each order and character n-grams in distinct hash streams.
constexpr uint64_t kWordSeed = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kCharSeed = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t kFnvPrime = 0x100000001B3ull;

// splitmix64 finalizer: spreads FNV's weak low-entropy states over all 64 bits.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

inline uint32_t home_slot(uint32_t key, uint32_t mask) {
  return static_cast<uint32_t>((key * 0x9E3779B1u) >> 7) & mask;
}

// Grows the slot table so that it stays at most half full with `keys` keys in all, re-inserting
// the features already counted.
void reserve_slots(size_t keys, std::vector<uint32_t>* slots, const std::vector<Feature>& out) {
  size_t want = 64;
  while (want < 2 * keys) want *= 2;
  if (slots->size() >= want) return;
  slots->assign(want, 0);
  const uint32_t mask = static_cast<uint32_t>(want) - 1;
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t slot = home_slot(out[i].key, mask);
    while ((*slots)[slot] != 0) slot = (slot + 1) & mask;
    (*slots)[slot] = static_cast<uint32_t>(i + 1);
  }
}

// Counts `key` in *out through the slot table (linear probing; the table is kept at most half
// full by the caller, so probes stay short) and returns the feature's index in *out.
inline uint32_t count_key(uint32_t key, std::vector<uint32_t>* slots, std::vector<Feature>* out) {
  const uint32_t mask = static_cast<uint32_t>(slots->size()) - 1;
  uint32_t slot = home_slot(key, mask);
  for (;;) {
    const uint32_t at = (*slots)[slot];
    if (at == 0) {
      out->push_back({key, 1.0f});
      (*slots)[slot] = static_cast<uint32_t>(out->size());
      return static_cast<uint32_t>(out->size() - 1);
    }
    Feature& f = (*out)[at - 1];
    if (f.key == key) {
      f.value += 1.0f;
      return at - 1;
    }
    slot = (slot + 1) & mask;
  }
}

}  // namespace

Status FeatureConfig::validate() const {
  if (hash_bits < 8 || hash_bits > 24) {
    return Status::invalid_argument("hash_bits must be in 8..24, got " + std::to_string(hash_bits));
  }
  if (word_ngram_max > 4) {
    return Status::invalid_argument("word_ngram_max must be in 0..4, got " +
                                    std::to_string(word_ngram_max));
  }
  if (char_ngram_max > 8) {
    return Status::invalid_argument("char_ngram_max must be in 0..8, got " +
                                    std::to_string(char_ngram_max));
  }
  if (char_ngram_max > 0 && (char_ngram_min < 1 || char_ngram_min > char_ngram_max)) {
    return Status::invalid_argument("char_ngram_min must be in 1..char_ngram_max");
  }
  if (word_ngram_max == 0 && char_ngram_max == 0) {
    return Status::invalid_argument("at least one of word and character n-grams must be enabled");
  }
  return Status::ok();
}

FeatureHasher::FeatureHasher(const FeatureConfig& config)
    : config_(config), shift_(64 - config.hash_bits) {}

uint32_t FeatureHasher::count_tokens(std::string_view text, FeatureScratch* scratch) {
  scratch->normalized.clear();
  normalize_text(text, &scratch->normalized);
  split_words(scratch->normalized, &scratch->spans);
  return static_cast<uint32_t>(scratch->spans.size());
}

void FeatureHasher::add_word_ngrams(FeatureScratch* s, std::vector<Feature>* out,
                                    std::vector<FeatureOccurrence>* trace) const {
  const std::vector<uint64_t>& h = s->word_hashes;
  const size_t n_words = h.size();
  reserve_slots(out->size() + n_words * config_.word_ngram_max, &s->slots, *out);
  for (size_t i = 0; i < n_words; ++i) {
    uint64_t acc = h[i];
    uint32_t at = count_key(static_cast<uint32_t>(mix64(acc) >> shift_), &s->slots, out);
    if (trace) trace->push_back({at, s->spans[i].begin, s->spans[i].end});
    for (uint32_t n = 2; n <= config_.word_ngram_max && i + n <= n_words; ++n) {
      acc = mix64(acc * kFnvPrime + n) ^ h[i + n - 1];
      at = count_key(static_cast<uint32_t>(mix64(acc) >> shift_), &s->slots, out);
      if (trace) trace->push_back({at, s->spans[i].begin, s->spans[i + n - 1].end});
    }
  }
}

void FeatureHasher::add_char_ngrams(FeatureScratch* s, std::vector<Feature>* out,
                                    std::vector<FeatureOccurrence>* trace) const {
  const std::string& text = s->normalized;
  const uint32_t group_bit = static_cast<uint32_t>(FeatureGroup::kChar) << 31;
  const uint32_t min_n = config_.char_ngram_min;
  const uint32_t max_n = config_.char_ngram_max;
  split_chunks(text, &s->spans);
  for (const TokenSpan& chunk : s->spans) {
    // Padded chunk " chunk " and the byte offsets where its code points start (plus the end).
    s->padded.assign(1, ' ');
    s->padded.append(text, chunk.begin, chunk.end - chunk.begin);
    s->padded.push_back(' ');
    s->starts.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(s->padded.data());
    const uint32_t len = static_cast<uint32_t>(s->padded.size());
    for (uint32_t i = 0; i < len; ++i) {
      if (!is_continuation(p[i])) s->starts.push_back(i);
    }
    s->starts.push_back(len);
    const size_t n_cp = s->starts.size() - 1;
    reserve_slots(out->size() + n_cp * (max_n - min_n + 1), &s->slots, *out);
    for (size_t i = 0; i < n_cp; ++i) {
      uint64_t h = kCharSeed;
      const size_t last = std::min(n_cp, i + max_n);
      for (size_t j = i; j < last; ++j) {
        for (uint32_t b = s->starts[j]; b < s->starts[j + 1]; ++b) h = (h ^ p[b]) * kFnvPrime;
        if (j - i + 1 >= min_n) {
          const uint32_t at =
              count_key(group_bit | static_cast<uint32_t>(mix64(h) >> shift_), &s->slots, out);
          if (trace) {
            // Padded offsets to text offsets: the padding spaces (first and last byte) are
            // not text.
            const uint32_t b = std::max(s->starts[i], 1u);
            const uint32_t e = std::min(s->starts[j + 1], len - 1);
            if (b < e) trace->push_back({at, chunk.begin + b - 1, chunk.begin + e - 1});
          }
        }
      }
    }
  }
}

uint32_t FeatureHasher::extract(std::string_view text, FeatureScratch* s,
                                std::vector<Feature>* out) const {
  return extract_impl(text, s, out, nullptr);
}

uint32_t FeatureHasher::extract_traced(std::string_view text, FeatureScratch* s,
                                       std::vector<Feature>* out,
                                       std::vector<FeatureOccurrence>* occurrences) const {
  occurrences->clear();
  return extract_impl(text, s, out, occurrences);
}

uint32_t FeatureHasher::extract_impl(std::string_view text, FeatureScratch* s,
                                     std::vector<Feature>* out,
                                     std::vector<FeatureOccurrence>* trace) const {
  const uint32_t n_words = count_tokens(text, s);
  out->clear();
  if (config_.word_ngram_max > 0) {
    s->word_hashes.clear();
    for (const TokenSpan& w : s->spans) {
      s->word_hashes.push_back(
          XXH3_64bits_withSeed(s->normalized.data() + w.begin, w.end - w.begin, kWordSeed));
    }
    add_word_ngrams(s, out, trace);
  }
  if (config_.char_ngram_max > 0) add_char_ngrams(s, out, trace);
  // Clear exactly the slots this text used: every occupied slot lies in a run that starts at
  // some feature's home slot.
  if (s->slots.empty()) return n_words;
  const uint32_t mask = static_cast<uint32_t>(s->slots.size()) - 1;
  for (const Feature& f : *out) {
    uint32_t slot = home_slot(f.key, mask);
    while (s->slots[slot] != 0) {
      s->slots[slot] = 0;
      slot = (slot + 1) & mask;
    }
  }
  return n_words;
}

}  // namespace winnow
