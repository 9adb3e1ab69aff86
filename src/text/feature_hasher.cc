#include "text/feature_hasher.h"

// Header-only use of xxhash: inlined, so nothing to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>

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

void FeatureHasher::add_word_ngrams(const FeatureScratch& s, std::vector<uint32_t>* keys) const {
  const std::vector<uint64_t>& h = s.word_hashes;
  const size_t n_words = h.size();
  for (size_t i = 0; i < n_words; ++i) {
    uint64_t acc = h[i];
    keys->push_back(static_cast<uint32_t>(mix64(acc) >> shift_));
    for (uint32_t n = 2; n <= config_.word_ngram_max && i + n <= n_words; ++n) {
      acc = mix64(acc * kFnvPrime + n) ^ h[i + n - 1];
      keys->push_back(static_cast<uint32_t>(mix64(acc) >> shift_));
    }
  }
}

void FeatureHasher::add_char_ngrams(FeatureScratch* s) const {
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
    for (size_t i = 0; i < n_cp; ++i) {
      uint64_t h = kCharSeed;
      const size_t last = std::min(n_cp, i + max_n);
      for (size_t j = i; j < last; ++j) {
        for (uint32_t b = s->starts[j]; b < s->starts[j + 1]; ++b) h = (h ^ p[b]) * kFnvPrime;
        if (j - i + 1 >= min_n) {
          s->keys.push_back(group_bit | static_cast<uint32_t>(mix64(h) >> shift_));
        }
      }
    }
  }
}

uint32_t FeatureHasher::extract(std::string_view text, FeatureScratch* s,
                                std::vector<FeatureCount>* out) const {
  const uint32_t n_words = count_tokens(text, s);
  s->keys.clear();
  if (config_.word_ngram_max > 0) {
    s->word_hashes.clear();
    for (const TokenSpan& w : s->spans) {
      s->word_hashes.push_back(
          XXH3_64bits_withSeed(s->normalized.data() + w.begin, w.end - w.begin, kWordSeed));
    }
    add_word_ngrams(*s, &s->keys);
  }
  if (config_.char_ngram_max > 0) add_char_ngrams(s);

  std::sort(s->keys.begin(), s->keys.end());
  out->clear();
  for (uint32_t key : s->keys) {
    if (!out->empty() && out->back().key == key) {
      ++out->back().count;
    } else {
      out->push_back({key, 1});
    }
  }
  return n_words;
}

}  // namespace winnow
