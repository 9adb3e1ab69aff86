// Loading classifier JSONL files for training: reading and checking every line, deriving the
// heads (targets) and their labels from the training files, and turning texts into weighted
// hashed features once, so that training epochs never touch text again.
//
// Memory: the training split's n-grams are stored compact (train/compact_features.h: about 2
// bytes per distinct n-gram per sample), other splits as 8-byte Features; both in fixed-size
// blocks so that featurizing peaks at that size and not at a growing vector's two or three
// copies; texts are dropped once featurized (docs/training.md "Memory").
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/worker_team.h"
#include "data/classifier_jsonl.h"
#include "model/model.h"

namespace winnow {

// A training file and its sampling weight (> 0): a file of weight 2 has each of its samples
// drawn twice as often as one of weight 1.
struct TrainFileSpec {
  std::string path;
  double weight = 1.0;
};

// Parses "FILE" or "FILE:WEIGHT". The text after the last ':' is a weight only if it is a
// number; then it must be finite and > 0 (kInvalidArgument otherwise). "a:b.jsonl" is a path.
Result<TrainFileSpec> parse_train_file_arg(const std::string& arg);

// Lines of one split, parsed and checked, before featurization.
struct RawSplit {
  std::vector<std::string> files;
  std::vector<uint64_t> samples_per_file;
  std::vector<uint64_t> invalid_lines_per_file;
  std::vector<ClassifierSample> samples;  // text filled in via sample_text; messages cleared
  std::vector<uint32_t> file_of_sample;
  std::vector<uint64_t> line_of_sample;  // 1-based line in its file
};

// The targets of `sample` for `spec`'s outputs (spec.num_outputs() values each): `targets` 1
// for the labels it has, `counted` 1 for the outputs of the heads it labels (a sample may
// leave a head out). kInvalidArgument "labels.<head>: ..." as featurize_split's.
Status sample_targets(const ClassifierSample& sample, const ModelSpec& spec,
                      std::span<uint8_t> targets, std::span<uint8_t> counted);

// Reads every line of `paths`. A bad line is an error "file:line: field: problem" unless
// max_invalid_fraction > 0: then bad lines are skipped and counted, and the call fails only if
// invalid / (valid + invalid) over all files exceeds that fraction. Blank lines are ignored.
// Unreadable files: kNotFound / kIoError / kCorruption with the path.
Result<RawSplit> read_split(const std::vector<std::string>& paths, double max_invalid_fraction);

// Options that decide the heads of a model from the training data.
struct HeadOptions {
  bool normalized_multi_label = false;        // multi-label heads use Mistral-style scores
  std::map<std::string, float> loss_weights;  // per head name; unknown names are an error
  // When not empty: the heads to train (names, kinds, labels, in this order) instead of those
  // found in the data (the API's classifier_targets). Every head and label of the training
  // data must be among them; labels the data never uses are allowed.
  std::vector<HeadSpec> heads;
};

// Heads and labels of `train` in first-appearance order (ClassifierSchema rules): a head is
// multi-label if any of its values is a list. Thresholds start at 0.5 (sigmoid) or 1/labels.
// With options.heads, those heads instead (a data head or label outside them is an error naming
// the file and line). Errors: a head with fewer than two labels, a loss weight naming no head
// or < 0.
Result<std::vector<HeadSpec>> derive_heads(const RawSplit& train, const HeadOptions& options);

// Whether featurize_split appends the architecture's extra inputs (an encoder's embedding)
// after each sample's n-grams. kOmit leaves them out (their weights then get no gradient):
// for a split whose extra inputs another model already learned from (train/encoder_training.h).
enum class ExtraInputs { kAppend, kOmit };

// How featurize_split stores a split's n-grams.
enum class FeatureStorage {
  kPlain,    // weighted Features (8 bytes each) in extraction order: exactly what Model::logits
             // sees for the same text (validation scores match the served model's bit for bit)
  kCompact,  // train/compact_features.h: 2-3 bytes each, sorted by key, values recomputed when
             // read (the training split: ~1/3 of the memory; docs/training.md "Memory")
};

// Samples of one split turned into features and targets for a given spec.
struct SampleSet {
  uint32_t num_outputs = 0;
  uint32_t num_heads = 0;
  // Features live in fixed-size blocks filled by the featurizing threads (a block is never
  // reallocated once written); each sample's span points into one block.
  std::vector<std::vector<Feature>> feature_chunks;
  std::vector<std::span<const Feature>> sample_features;
  std::vector<uint8_t> targets;   // size() x num_outputs; 1 = gold label
  std::vector<uint8_t> has_head;  // size() x num_heads; 0 = head left out
  std::vector<uint32_t> tokens;   // words per sample
  std::vector<uint32_t> file_of_sample;

  // FeatureStorage::kCompact instead of feature_chunks/sample_features: each sample's encoding
  // in fixed-size byte blocks, its two group scales (words, characters), and the idf and
  // weighting its values are recomputed with.
  bool compact = false;
  std::vector<std::vector<uint8_t>> compact_blocks;
  std::vector<std::span<const uint8_t>> compact_samples;
  std::vector<float> compact_scales;  // 2 per sample
  std::vector<float> idf;
  WeightingConfig weighting;
  // tf of counts below kTfTableSize (tfidf_value without the idf factor), so decoding calls
  // no function per n-gram; compact_tf computes the others.
  static constexpr uint32_t kTfTableSize = 64;
  float tf_table[kTfTableSize] = {};
  float compact_tf(uint32_t count) const;

  SampleSet() = default;
  SampleSet(SampleSet&&) = default;  // spans stay valid: chunk buffers move along
  SampleSet& operator=(SampleSet&&) = default;
  SampleSet(const SampleSet&) = delete;
  SampleSet& operator=(const SampleSet&) = delete;

  size_t size() const { return tokens.size(); }
  // The weighted features of sample i. Plain storage only (WINNOW_CHECKed).
  std::span<const Feature> features_of(size_t i) const;
  // Either storage: the stored span (plain), or the features decoded into *buffer (compact),
  // valid until *buffer is next changed. Thread-safe with one buffer per thread.
  std::span<const Feature> features_of(size_t i, std::vector<Feature>* buffer) const;
  // Bytes held by the n-gram storage (either kind), for logs and tests.
  uint64_t feature_bytes() const;
  const uint8_t* targets_of(size_t i) const { return targets.data() + i * num_outputs; }
  const uint8_t* heads_of(size_t i) const { return has_head.data() + i * num_heads; }
  uint64_t total_tokens() const;
};

// Featurizes `raw` (whose texts are released) for `spec`. With compute_idf, the idf is computed
// from these samples into *idf (document frequencies, smooth idf = ln((1+n)/(1+df)) + 1, buckets
// with df < min_df get 0); otherwise *idf is used as is. Labels and heads not in `spec` are an
// error naming the file and line ("valid.jsonl:17: labels.moderation: ...").
// `runtime` is what the architecture's bind built from its fixed tensors (for its extra
// inputs, which follow each sample's n-grams); texts are released once featurized.
// `storage` kCompact applies to architectures without extra inputs (the encoder's dense
// inputs are stored plain whatever is asked).
Result<SampleSet> featurize_split(RawSplit* raw, const ModelSpec& spec, const void* runtime,
                                  bool compute_idf, std::vector<float>* idf, WorkerTeam* team,
                                  FeatureStorage storage = FeatureStorage::kPlain,
                                  ExtraInputs extra_inputs = ExtraInputs::kAppend);

}  // namespace winnow
