// Hashed word and character n-gram features: the bag-of-n-grams that every Winnow model reads.
// A text is normalized (normalize.h), split into words and chunks (tokenize.h), and each
// n-gram is hashed into one of 2^hash_bits buckets. The same config and the same hashing rules
// must be used at training and at inference time; the config is stored in each model file and
// kFeatureHashVersion names the hashing rules below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "text/tokenize.h"

namespace winnow {

// Version of the hashing rules; a model made with another version is rejected at load.
constexpr int kFeatureHashVersion = 1;

struct FeatureConfig {
  uint32_t hash_bits = 20;      // buckets = 2^hash_bits, 8..24
  uint32_t word_ngram_max = 2;  // word n-grams 1..word_ngram_max; 0 = no word features (max 4)
  uint32_t char_ngram_min = 2;  // character n-grams (in code points) of each chunk padded with
  uint32_t char_ngram_max = 5;  // one space on each side; char_ngram_max 0 = none (max 8)

  uint32_t buckets() const { return 1u << hash_bits; }
  // Rejects values outside the ranges above (kInvalidArgument naming the field).
  Status validate() const;
};

// Feature groups: their vectors are weighted and normalized separately (model.h).
enum class FeatureGroup : uint32_t { kWord = 0, kChar = 1 };

// One distinct hashed n-gram of a text. As extracted: key = bucket | (group << 31) (see
// feature_bucket() / feature_group()) and value = how many times it occurred. After
// weigh_features (model.h): key = bucket and value = the feature's weight.
struct Feature {
  uint32_t key = 0;
  float value = 0.0f;
};
inline uint32_t feature_bucket(uint32_t key) { return key & 0x7FFFFFFFu; }
inline FeatureGroup feature_group(uint32_t key) { return static_cast<FeatureGroup>(key >> 31); }

// Where one occurrence of an extracted feature lies in the text: bytes [begin, end) of the text
// passed to FeatureHasher::extract_traced (normalization keeps byte offsets). A word n-gram
// covers its words (and what lies between them); a character n-gram the characters of its
// chunk it holds (the padding spaces cover nothing).
struct FeatureOccurrence {
  uint32_t feature = 0;  // index into the extracted features
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Reusable buffers so that extracting features allocates nothing once they have grown.
// One per thread; never shared.
struct FeatureScratch {
  std::string normalized;
  std::string padded;
  std::vector<TokenSpan> spans;
  std::vector<uint32_t> starts;
  std::vector<uint64_t> word_hashes;
  // Open-addressing set used to count distinct keys: slot -> index into the output + 1
  // (0 = empty). Slots used by the last text are cleared through the output itself.
  std::vector<uint32_t> slots;
};

class FeatureHasher {
 public:
  // `config` must have passed validate().
  explicit FeatureHasher(const FeatureConfig& config);

  // Replaces *out with the distinct features of `text` in order of first occurrence (words
  // first, then character n-grams), values = counts, and returns the number of words in the
  // text (the engine's unit of "tokens"). Const and thread-safe as long as each thread passes
  // its own scratch; allocation-free once the scratch and *out have grown.
  uint32_t extract(std::string_view text, FeatureScratch* scratch, std::vector<Feature>* out) const;

  // extract(), and also every occurrence of every feature into *occurrences (for
  // explanations: which characters a feature's weight came from). Same features, same order.
  uint32_t extract_traced(std::string_view text, FeatureScratch* scratch, std::vector<Feature>* out,
                          std::vector<FeatureOccurrence>* occurrences) const;
  // Number of words in `text` (split_words on the normalized text), without hashing.
  static uint32_t count_tokens(std::string_view text, FeatureScratch* scratch);

  const FeatureConfig& config() const { return config_; }

 private:
  // `trace` is null on the scoring path (no cost beyond a predictable branch).
  uint32_t extract_impl(std::string_view text, FeatureScratch* s, std::vector<Feature>* out,
                        std::vector<FeatureOccurrence>* trace) const;
  void add_word_ngrams(FeatureScratch* s, std::vector<Feature>* out,
                       std::vector<FeatureOccurrence>* trace) const;
  void add_char_ngrams(FeatureScratch* s, std::vector<Feature>* out,
                       std::vector<FeatureOccurrence>* trace) const;

  FeatureConfig config_;
  uint32_t shift_ = 0;  // 64 - hash_bits
};

}  // namespace winnow
