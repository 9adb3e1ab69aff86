// A trained Winnow classifier held in memory: what it reads (feature config and weighting), what
// it predicts (heads with labels, score kinds and tuned thresholds), its weights, and a free-form
// metadata object (hyperparameters, training data summary, validation metrics, creation time).
//
// Every architecture (architecture.h) scores as logits = bias + W^T x, where x is the
// architecture's input vector of the text: the weighted, normalized hashed n-grams (see
// weigh_features), then, for the encoder architecture, the pretrained encoder's sentence
// embedding; W has one row of num_outputs() floats per input. Outputs are the heads' labels,
// concatenated in head order. The weights live in named tensors (tensors.h): "idf",
// "linear.weight", "linear.bias", plus what the architecture adds ("encoder.*").
//
// A Model is immutable once created; every const method is thread-safe. Share it as
// std::shared_ptr<const Model>.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/chunking.h"
#include "model/tensors.h"
#include "text/feature_hasher.h"

namespace winnow {

// How a head turns logits into scores.
enum class HeadKind {
  kSingleLabel,           // one label per sample; softmax over the head's labels
  kMultiLabel,            // any number of labels; independent sigmoid per label
  kMultiLabelNormalized,  // any number of labels; softmax, trained towards a uniform
                          // distribution over the gold labels (Mistral's observed scores)
};
std::string_view head_kind_name(HeadKind kind);  // "single_label", "multi_label", ...
Result<HeadKind> parse_head_kind(std::string_view name);

struct HeadSpec {
  std::string name;
  HeadKind kind = HeadKind::kSingleLabel;
  std::vector<std::string> labels;  // output order
  std::vector<float> thresholds;    // per label: flag when score >= threshold
  float loss_weight = 1.0f;         // used in training only
  // Multi-label heads: the label that means "none of the others" (the tutorial's `safe`: in
  // the training data it was given exactly when no other label of the head was), if any. A
  // text read as chunks is that label only if every chunk is, so under max aggregation it takes
  // the minimum over chunks (model.cc aggregate_chunks; explanations follow).
  std::optional<uint32_t> none_label;
};

// How hashed n-gram counts become feature values (see weigh_features).
struct WeightingConfig {
  bool sublinear_tf = true;  // value = 1 + ln(count) instead of count
  bool use_idf = true;       // multiply by the bucket's idf (stored in the model)
  uint32_t min_df = 1;       // buckets seen in fewer training samples get idf 0 (dropped)
  float word_norm = 1.0f;    // L2 norm given to the word-feature block (0 = drop the block)
  float char_norm = 1.0f;    // L2 norm given to the character-feature block
};

// The pretrained encoder of the "encoder" architecture (src/encoder/text_encoder.h).
struct EncoderConfig {
  std::string name;              // "use-lite"; empty for architectures without one
  float norm = 1.0f;             // L2 norm given to the embedding block (as word_norm/char_norm)
  std::string weights_checksum;  // XXH3-64 (hex) of the encoder tensors, checked at load
  // Passes of fine-tuning its top layers got on the training data (0: the pretrained
  // weights, frozen). Informational: the tuned weights are the stored tensors.
  double fine_tune_epochs = 0;
};

struct ModelSpec {
  std::string architecture = "linear";
  FeatureConfig features;
  WeightingConfig weighting;
  EncoderConfig encoder;
  ChunkingConfig chunking;
  std::vector<HeadSpec> heads;

  uint32_t num_outputs() const;
  // Rows of linear.weight: the hash buckets plus the architecture's extra inputs.
  uint64_t num_inputs() const;
  // Offset of head h's first output.
  uint32_t output_offset(size_t head) const;
  // Checks names, labels, thresholds and configs (kInvalidArgument / kCorruption by caller).
  Status validate() const;
};

// Turns extracted features (FeatureHasher::extract: key with group bit, value = count) into
// weighted ones, in place: value = tf * idf[bucket] (tf = 1 + ln count if sublinear), each
// group (word, char) scaled to its configured L2 norm, key = bare bucket. Features whose weight
// is 0 are dropped: the kept ones are compacted to the front, in order, and their number is
// returned. `idf` may be empty when config.use_idf is false. Allocation-free.
size_t weigh_features(std::span<Feature> features, std::span<const float> idf,
                      const WeightingConfig& config);

// The tf-idf value of one extracted feature before its group's L2 scale: tf(count) (1 + ln count
// if config.sublinear_tf) times idf[bucket] if config.use_idf. The one formula weigh_features,
// feature_weights and the trainer's compact features (train/compact_features.h) share.
float tfidf_value(float count, uint32_t bucket, std::span<const float> idf,
                  const WeightingConfig& config);

// The L2 scale weigh_features gives each group (scale[0] words, scale[1] characters) of
// `features` (as extracted): a feature's weight is tfidf_value(...) * scale[its group].
// Summed in the order given, as weigh_features does.
void group_scales(std::span<const Feature> features, std::span<const float> idf,
                  const WeightingConfig& config, float scale[2]);

// The weight weigh_features gives each of `features` (as extracted), without compacting:
// (*weights)[i] belongs to features[i] (0 = dropped), bit-identical to weigh_features' values.
void feature_weights(std::span<const Feature> features, std::span<const float> idf,
                     const WeightingConfig& config, std::vector<float>* weights);

// Logits of the linear architecture: bias + sum over features of value * weights[bucket row].
// weights has bias.size() floats per bucket. Every scoring path (training-time evaluation,
// Model::logits) uses this one function, so their results are bit-identical.
void linear_logits(std::span<const float> weights, std::span<const float> bias,
                   std::span<const Feature> features, std::span<float> out);

struct EncoderScratch;  // src/encoder/text_encoder.h

// Per-thread buffers for Model::predict.
struct PredictScratch {
  PredictScratch();
  ~PredictScratch();
  PredictScratch(PredictScratch&&) noexcept;
  PredictScratch& operator=(PredictScratch&&) noexcept;

  FeatureScratch hashing;
  std::vector<Feature> features;
  std::unique_ptr<EncoderScratch> encoder;  // created on first use by the encoder architecture
  std::vector<std::vector<Feature>> batch;  // Model::predict_batch: one input vector per text
  std::vector<std::vector<Feature>*> batch_outs;
  std::vector<TokenSpan> chunks;              // chunk_ranges of the text being scored
  std::vector<std::string_view> chunk_texts;  // ... as views
  std::vector<float> chunk_scores;            // ... and their scores
  std::vector<size_t> whole;                  // predict_batch: the texts read whole
  std::vector<std::string_view> whole_texts;
  std::vector<float> whole_scores;
};

class Model;
// The weighted hashed n-grams of `text` for `model` (hashing, then weigh_features with the
// model's idf): the input vector of the linear architecture and the first part of every
// other's.
void weighted_ngrams(const Model& model, std::string_view text, PredictScratch* scratch,
                     std::vector<Feature>* out);

// Softmax (single-label, normalized heads) or sigmoid (multi-label heads) of `logits` into
// `scores`, head by head. Both spans have spec.num_outputs() elements and may alias.
void logits_to_scores(const ModelSpec& spec, std::span<const float> logits,
                      std::span<float> scores);

struct Architecture;

// The tensors of the linear architecture ("idf", "linear.weight", "linear.bias").
TensorDataMap linear_tensors(std::vector<float> idf, std::vector<float> weights,
                             std::vector<float> bias);

class Model {
 public:
  // Takes ownership of the tensors, which must hold what spec.architecture needs
  // (Architecture::bind); kInvalidArgument otherwise.
  static Result<std::shared_ptr<const Model>> create(ModelSpec spec, nlohmann::json metadata,
                                                     TensorDataMap tensors);
  // Same, but the views point into `storage` (e.g. a model file read in one piece), which the
  // Model keeps alive.
  static Result<std::shared_ptr<const Model>> view(ModelSpec spec, nlohmann::json metadata,
                                                   std::shared_ptr<const void> storage,
                                                   TensorMap tensors);
  // The same weights with another spec (e.g. tuned thresholds) and metadata; shares storage.
  Result<std::shared_ptr<const Model>> with_spec(ModelSpec spec, nlohmann::json metadata) const;

  const ModelSpec& spec() const { return spec_; }
  const Architecture& architecture() const { return *architecture_; }
  const std::vector<HeadSpec>& heads() const { return spec_.heads; }
  uint32_t num_outputs() const { return num_outputs_; }
  const nlohmann::json& metadata() const { return metadata_; }
  const TensorMap& tensors() const { return tensors_; }
  std::span<const float> idf() const { return idf_; }
  std::span<const float> weights() const { return weights_; }
  std::span<const float> bias() const { return bias_; }
  const FeatureHasher& hasher() const { return hasher_; }
  // What Architecture::bind built (null if nothing); the architecture's own code casts it.
  const void* runtime() const { return runtime_.get(); }

  // Scores of `text` into `scores` (num_outputs() floats, head by head in label order). A text
  // longer than the spec's chunking window is scored chunk by chunk (chunking.h) and each
  // label's score aggregated with `aggregate` (nullopt: the spec's): max or mean per label;
  // a softmax head's aggregated scores are renormalized to sum to 1.
  void predict(std::string_view text, PredictScratch* scratch, std::span<float> scores,
               std::optional<ChunkAggregate> aggregate = std::nullopt) const;
  // Scores of several texts (texts.size() x num_outputs() floats), identical to predict() per
  // text up to float rounding in an encoder; faster per text for architectures that batch.
  void predict_batch(std::span<const std::string_view> texts, PredictScratch* scratch,
                     std::span<float> scores,
                     std::optional<ChunkAggregate> aggregate = std::nullopt) const;
  // Logits of each text read whole, never chunked (texts.size() x num_outputs() floats): what
  // explanations compare texts with.
  void logits_batch(std::span<const std::string_view> texts, PredictScratch* scratch,
                    std::span<float> logits) const;
  // The chunks of `text` (one covering the whole text when it fits the window) into *chunks
  // and their scores (chunks->size() x num_outputs()) into *scores.
  void chunk_scores(std::string_view text, PredictScratch* scratch, std::vector<TokenSpan>* chunks,
                    std::vector<float>* scores) const;
  // The architecture's input vector of `text`: weighted n-grams, then its extra inputs.
  void encode(std::string_view text, PredictScratch* scratch, std::vector<Feature>* out) const;
  // Logits of an input vector.
  void logits(std::span<const Feature> features, std::span<float> out) const;

 private:
  // Scores of the chunks of `text` in scratch->chunks into scratch->chunk_scores.
  void score_chunks(std::string_view text, PredictScratch* scratch) const;
  // Aggregated scores of the chunks scored by score_chunks.
  void aggregate_chunks(const PredictScratch& scratch, ChunkAggregate aggregate,
                        std::span<float> scores) const;
  Model() = default;
  ModelSpec spec_;
  const Architecture* architecture_ = nullptr;
  nlohmann::json metadata_;
  std::shared_ptr<const void> storage_;
  std::shared_ptr<const void> runtime_;
  TensorMap tensors_;
  std::span<const float> idf_, weights_, bias_;
  uint32_t num_outputs_ = 0;
  FeatureHasher hasher_{FeatureConfig{}};
};

}  // namespace winnow
