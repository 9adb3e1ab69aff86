#include "model/model.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "encoder/text_encoder.h"
#include "model/architecture.h"

namespace winnow {

std::string_view head_kind_name(HeadKind kind) {
  switch (kind) {
    case HeadKind::kSingleLabel:
      return "single_label";
    case HeadKind::kMultiLabel:
      return "multi_label";
    case HeadKind::kMultiLabelNormalized:
      return "multi_label_normalized";
  }
  return "unknown";
}

Result<HeadKind> parse_head_kind(std::string_view name) {
  for (HeadKind k :
       {HeadKind::kSingleLabel, HeadKind::kMultiLabel, HeadKind::kMultiLabelNormalized}) {
    if (head_kind_name(k) == name) return k;
  }
  return Status::invalid_argument("unknown head kind '" + std::string(name) + "'");
}

uint32_t ModelSpec::num_outputs() const {
  uint32_t n = 0;
  for (const HeadSpec& h : heads) n += static_cast<uint32_t>(h.labels.size());
  return n;
}

uint32_t ModelSpec::output_offset(size_t head) const {
  uint32_t n = 0;
  for (size_t i = 0; i < head; ++i) n += static_cast<uint32_t>(heads[i].labels.size());
  return n;
}

uint64_t ModelSpec::num_inputs() const {
  const Architecture* a = find_architecture(architecture);
  return uint64_t{features.buckets()} + (a ? a->extra_inputs(*this) : 0);
}

PredictScratch::PredictScratch() = default;
PredictScratch::~PredictScratch() = default;
PredictScratch::PredictScratch(PredictScratch&&) noexcept = default;
PredictScratch& PredictScratch::operator=(PredictScratch&&) noexcept = default;

Status ModelSpec::validate() const {
  if (find_architecture(architecture) == nullptr) {
    return Status::invalid_argument("unknown architecture '" + architecture +
                                    "' (known: " + architecture_names() + ")");
  }
  WINNOW_RETURN_IF_ERROR(features.validate());
  WINNOW_RETURN_IF_ERROR(chunking.validate());
  if (!(weighting.word_norm >= 0 && weighting.char_norm >= 0) ||
      !std::isfinite(weighting.word_norm) || !std::isfinite(weighting.char_norm)) {
    return Status::invalid_argument("feature block norms must be finite and >= 0");
  }
  if (heads.empty()) return Status::invalid_argument("a model needs at least one head");
  std::set<std::string> names;
  for (const HeadSpec& h : heads) {
    if (h.name.empty()) return Status::invalid_argument("a head has an empty name");
    if (!names.insert(h.name).second) {
      return Status::invalid_argument("head '" + h.name + "' appears twice");
    }
    if (h.labels.empty()) return Status::invalid_argument("head '" + h.name + "' has no labels");
    std::set<std::string> labels(h.labels.begin(), h.labels.end());
    if (labels.size() != h.labels.size()) {
      return Status::invalid_argument("head '" + h.name + "' has a repeated label");
    }
    if (h.thresholds.size() != h.labels.size()) {
      return Status::invalid_argument("head '" + h.name + "' needs one threshold per label");
    }
    for (float t : h.thresholds) {
      if (!std::isfinite(t))
        return Status::invalid_argument("head '" + h.name + "': bad threshold");
    }
    if (!std::isfinite(h.loss_weight) || h.loss_weight < 0) {
      return Status::invalid_argument("head '" + h.name + "': loss weight must be >= 0");
    }
    if (h.none_label && (h.kind != HeadKind::kMultiLabel || *h.none_label >= h.labels.size())) {
      return Status::invalid_argument(
          "head '" + h.name + "': a none label needs a multi-label head and one of its labels");
    }
  }
  return Status::ok();
}

namespace {

// 1 + ln(count) for small counts, so that weighting needs no log call for almost every feature.
struct SublinearTable {
  static constexpr uint32_t kSize = 256;
  float value[kSize];
  SublinearTable() {
    value[0] = 0.0f;
    for (uint32_t c = 1; c < kSize; ++c) value[c] = 1.0f + std::log(static_cast<float>(c));
  }
};
const SublinearTable kSublinear;

}  // namespace

float tfidf_value(float count, uint32_t bucket, std::span<const float> idf,
                  const WeightingConfig& config) {
  float v = count;
  if (config.sublinear_tf) {
    const auto c = static_cast<uint32_t>(v);
    v = c < SublinearTable::kSize ? kSublinear.value[c] : 1.0f + std::log(v);
  }
  if (config.use_idf) v *= idf[bucket];
  return v;
}

namespace {

// The tf-idf value of each extracted feature into values[i] and the L2 scale of each group: the
// one computation behind weigh_features and feature_weights, so both give the same floats.
template <typename Values>
void tfidf_and_scales(std::span<const Feature> features, std::span<const float> idf,
                      const WeightingConfig& config, Values& values, float scale[2]) {
  double sq[2] = {0.0, 0.0};
  for (size_t i = 0; i < features.size(); ++i) {
    const Feature& f = features[i];
    const float v = tfidf_value(f.value, feature_bucket(f.key), idf, config);
    values[i] = v;
    const double d = static_cast<double>(v);
    sq[static_cast<uint32_t>(feature_group(f.key))] += d * d;
  }
  scale[0] = sq[0] > 0
                 ? static_cast<float>(static_cast<double>(config.word_norm) / std::sqrt(sq[0]))
                 : 0.0f;
  scale[1] = sq[1] > 0
                 ? static_cast<float>(static_cast<double>(config.char_norm) / std::sqrt(sq[1]))
                 : 0.0f;
}

// Writes tf-idf values over the features' own value fields (weigh_features works in place).
struct ValuesInPlace {
  std::span<Feature> features;
  float& operator[](size_t i) { return features[i].value; }
};

}  // namespace

size_t weigh_features(std::span<Feature> features, std::span<const float> idf,
                      const WeightingConfig& config) {
  float scale[2];
  ValuesInPlace values{features};
  tfidf_and_scales(features, idf, config, values, scale);
  size_t kept = 0;
  for (const Feature& f : features) {
    const float v = f.value * scale[static_cast<uint32_t>(feature_group(f.key))];
    if (v == 0.0f) continue;
    features[kept++] = {feature_bucket(f.key), v};
  }
  return kept;
}

void group_scales(std::span<const Feature> features, std::span<const float> idf,
                  const WeightingConfig& config, float scale[2]) {
  struct Discard {
    float sink;
    float& operator[](size_t) { return sink; }
  } values{0.0f};
  tfidf_and_scales(features, idf, config, values, scale);
}

void feature_weights(std::span<const Feature> features, std::span<const float> idf,
                     const WeightingConfig& config, std::vector<float>* weights) {
  weights->resize(features.size());
  float scale[2];
  tfidf_and_scales(features, idf, config, *weights, scale);
  for (size_t i = 0; i < features.size(); ++i) {
    (*weights)[i] *= scale[static_cast<uint32_t>(feature_group(features[i].key))];
  }
}

void logits_to_scores(const ModelSpec& spec, std::span<const float> logits,
                      std::span<float> scores) {
  size_t o = 0;
  for (const HeadSpec& h : spec.heads) {
    const size_t n = h.labels.size();
    if (h.kind == HeadKind::kMultiLabel) {
      for (size_t i = o; i < o + n; ++i) scores[i] = 1.0f / (1.0f + std::exp(-logits[i]));
    } else {
      float max_logit = logits[o];
      for (size_t i = o + 1; i < o + n; ++i) max_logit = std::max(max_logit, logits[i]);
      float sum = 0.0f;
      for (size_t i = o; i < o + n; ++i) {
        scores[i] = std::exp(logits[i] - max_logit);
        sum += scores[i];
      }
      for (size_t i = o; i < o + n; ++i) scores[i] /= sum;
    }
    o += n;
  }
}

TensorDataMap linear_tensors(std::vector<float> idf, std::vector<float> weights,
                             std::vector<float> bias) {
  TensorDataMap t;
  t.emplace("idf", TensorData::floats(std::move(idf)));
  t.emplace("linear.weight", TensorData::floats(std::move(weights)));
  t.emplace("linear.bias", TensorData::floats(std::move(bias)));
  return t;
}

Result<std::shared_ptr<const Model>> Model::create(ModelSpec spec, nlohmann::json metadata,
                                                   TensorDataMap tensors) {
  auto owned = std::make_shared<TensorDataMap>(std::move(tensors));
  TensorMap views;
  for (const auto& [name, data] : *owned) views.emplace(name, data.view());
  return view(std::move(spec), std::move(metadata), std::move(owned), std::move(views));
}

Result<std::shared_ptr<const Model>> Model::view(ModelSpec spec, nlohmann::json metadata,
                                                 std::shared_ptr<const void> storage,
                                                 TensorMap tensors) {
  WINNOW_RETURN_IF_ERROR(spec.validate());
  const Architecture* arch = find_architecture(spec.architecture);
  const uint64_t buckets = spec.features.buckets();
  const uint64_t inputs = spec.num_inputs();
  const uint64_t outputs = spec.num_outputs();
  auto floats = [&](const char* name, uint64_t want, std::span<const float>* out) -> Status {
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      return Status::invalid_argument(std::string("tensor ") + name + " is missing");
    }
    if (it->second.type != TensorType::kF32 || it->second.count != want) {
      return Status::invalid_argument(std::string("tensor ") + name + " has " +
                                      std::to_string(it->second.count) + " " +
                                      std::string(tensor_type_name(it->second.type)) +
                                      " values, expected " + std::to_string(want) + " f32");
    }
    *out = it->second.f32();
    return Status::ok();
  };
  std::shared_ptr<Model> m(new Model());
  // The architecture checks its part of the spec first: the sizes below depend on it (an
  // encoder block the architecture does not know adds no rows to linear.weight).
  WINNOW_ASSIGN_OR_RETURN(m->runtime_, arch->bind(spec, tensors));
  if (spec.weighting.use_idf) {
    WINNOW_RETURN_IF_ERROR(floats("idf", buckets, &m->idf_));
  } else if (auto it = tensors.find("idf"); it != tensors.end() && it->second.count != 0) {
    return Status::invalid_argument("tensor idf must be empty when idf is not used");
  }
  WINNOW_RETURN_IF_ERROR(floats("linear.weight", inputs * outputs, &m->weights_));
  WINNOW_RETURN_IF_ERROR(floats("linear.bias", outputs, &m->bias_));
  m->architecture_ = arch;
  m->hasher_ = FeatureHasher(spec.features);
  m->spec_ = std::move(spec);
  m->metadata_ = std::move(metadata);
  m->storage_ = std::move(storage);
  m->tensors_ = std::move(tensors);
  m->num_outputs_ = static_cast<uint32_t>(outputs);
  return std::shared_ptr<const Model>(std::move(m));
}

Result<std::shared_ptr<const Model>> Model::with_spec(ModelSpec spec,
                                                      nlohmann::json metadata) const {
  if (spec.architecture != spec_.architecture || spec.num_outputs() != spec_.num_outputs() ||
      spec.num_inputs() != spec_.num_inputs()) {
    return Status::invalid_argument("with_spec: the new spec does not fit the model's weights");
  }
  // The new model shares this one's storage and runtime state: both stay alive as long as
  // either model does.
  std::shared_ptr<Model> m(new Model(*this));
  WINNOW_RETURN_IF_ERROR(spec.validate());
  m->spec_ = std::move(spec);
  m->metadata_ = std::move(metadata);
  return std::shared_ptr<const Model>(std::move(m));
}

void linear_logits(std::span<const float> weights, std::span<const float> bias,
                   std::span<const Feature> features, std::span<float> out) {
  const size_t n = bias.size();
  std::copy(bias.begin(), bias.end(), out.begin());
  const float* w = weights.data();
  for (const Feature& f : features) {
    const float* row = w + static_cast<size_t>(f.key) * n;
    for (size_t o = 0; o < n; ++o) out[o] += f.value * row[o];
  }
}

void Model::logits(std::span<const Feature> features, std::span<float> out) const {
  linear_logits(weights_, bias_, features, out);
}

void weighted_ngrams(const Model& model, std::string_view text, PredictScratch* scratch,
                     std::vector<Feature>* out) {
  model.hasher().extract(text, &scratch->hashing, out);
  out->resize(weigh_features(*out, model.idf(), model.spec().weighting));
}

void Model::encode(std::string_view text, PredictScratch* scratch,
                   std::vector<Feature>* out) const {
  weighted_ngrams(*this, text, scratch, out);
  if (architecture_->append_extra_inputs) {
    std::vector<Feature>* outs[] = {out};
    architecture_->append_extra_inputs(spec_, runtime_.get(), std::span(&text, 1), scratch,
                                       std::span<std::vector<Feature>* const>(outs));
  }
}

void Model::logits_batch(std::span<const std::string_view> texts, PredictScratch* scratch,
                         std::span<float> logits_out) const {
  if (scratch->batch.size() < texts.size()) scratch->batch.resize(texts.size());
  scratch->batch_outs.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    weighted_ngrams(*this, texts[i], scratch, &scratch->batch[i]);
    scratch->batch_outs.push_back(&scratch->batch[i]);
  }
  if (architecture_->append_extra_inputs) {
    architecture_->append_extra_inputs(spec_, runtime_.get(), texts, scratch, scratch->batch_outs);
  }
  const size_t n = num_outputs_;
  for (size_t i = 0; i < texts.size(); ++i) logits(scratch->batch[i], logits_out.subspan(i * n, n));
}

namespace {
// Texts (or chunks) scored per call of logits_batch: an encoder runs its matrix products over
// the whole batch, and memory stays bounded however many chunks a text has.
constexpr size_t kScoreBatch = 32;
}  // namespace

void Model::score_chunks(std::string_view text, PredictScratch* scratch) const {
  scratch->chunk_texts.clear();
  for (const TokenSpan& c : scratch->chunks) {
    scratch->chunk_texts.push_back(text.substr(c.begin, c.end - c.begin));
  }
  const size_t n = num_outputs_;
  const size_t m = scratch->chunk_texts.size();
  scratch->chunk_scores.resize(m * n);
  std::span<float> all(scratch->chunk_scores);
  for (size_t b = 0; b < m; b += kScoreBatch) {
    const size_t k = std::min(kScoreBatch, m - b);
    std::span<float> out = all.subspan(b * n, k * n);
    logits_batch(std::span(scratch->chunk_texts).subspan(b, k), scratch, out);
    for (size_t i = 0; i < k; ++i) {
      logits_to_scores(spec_, out.subspan(i * n, n), out.subspan(i * n, n));
    }
  }
}

void Model::aggregate_chunks(const PredictScratch& scratch, ChunkAggregate aggregate,
                             std::span<float> scores) const {
  const size_t n = num_outputs_;
  const size_t m = scratch.chunk_texts.size();
  for (size_t o = 0; o < n; ++o) {
    float acc = 0.0f;  // scores are >= 0
    for (size_t c = 0; c < m; ++c) {
      const float v = scratch.chunk_scores[c * n + o];
      acc = aggregate == ChunkAggregate::kMax ? std::max(acc, v) : acc + v;
    }
    scores[o] = aggregate == ChunkAggregate::kMax ? acc : acc / static_cast<float>(m);
  }
  if (aggregate != ChunkAggregate::kMax) return;  // means of distributions sum to 1 already
  size_t o = 0;
  for (const HeadSpec& h : spec_.heads) {
    const size_t k = h.labels.size();
    if (h.kind == HeadKind::kMultiLabel && h.none_label) {
      const size_t none = o + *h.none_label;
      float least = scratch.chunk_scores[none];
      for (size_t c = 1; c < m; ++c) least = std::min(least, scratch.chunk_scores[c * n + none]);
      scores[none] = least;
    }
    if (h.kind != HeadKind::kMultiLabel) {
      float sum = 0.0f;
      for (size_t i = o; i < o + k; ++i) sum += scores[i];
      for (size_t i = o; i < o + k; ++i) scores[i] /= sum;
    }
    o += k;
  }
}

void Model::chunk_scores(std::string_view text, PredictScratch* scratch,
                         std::vector<TokenSpan>* chunks, std::vector<float>* scores) const {
  chunk_ranges(text, spec_.chunking, &scratch->hashing, &scratch->chunks);
  if (scratch->chunks.empty()) {
    scratch->chunks.push_back(
        {0, static_cast<uint32_t>(std::min<size_t>(text.size(), UINT32_MAX))});
  }
  score_chunks(text, scratch);
  *chunks = scratch->chunks;
  *scores = scratch->chunk_scores;
}

void Model::predict_batch(std::span<const std::string_view> texts, PredictScratch* scratch,
                          std::span<float> scores, std::optional<ChunkAggregate> aggregate) const {
  const size_t n = num_outputs_;
  const ChunkAggregate how = aggregate.value_or(spec_.chunking.aggregate);
  // Texts longer than the window are scored chunk by chunk, one text at a time; the others
  // together, in one batch.
  scratch->whole.clear();
  scratch->whole_texts.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    chunk_ranges(texts[i], spec_.chunking, &scratch->hashing, &scratch->chunks);
    if (scratch->chunks.empty()) {
      scratch->whole.push_back(i);
      scratch->whole_texts.push_back(texts[i]);
      continue;
    }
    score_chunks(texts[i], scratch);
    aggregate_chunks(*scratch, how, scores.subspan(i * n, n));
  }
  if (scratch->whole.size() == texts.size()) {  // the common case: no copy
    logits_batch(texts, scratch, scores);
    for (size_t i = 0; i < texts.size(); ++i) {
      logits_to_scores(spec_, scores.subspan(i * n, n), scores.subspan(i * n, n));
    }
    return;
  }
  scratch->whole_scores.resize(scratch->whole.size() * n);
  std::span<float> whole(scratch->whole_scores);
  logits_batch(scratch->whole_texts, scratch, whole);
  for (size_t j = 0; j < scratch->whole.size(); ++j) {
    std::span<float> out = scores.subspan(scratch->whole[j] * n, n);
    logits_to_scores(spec_, whole.subspan(j * n, n), out);
  }
}

void Model::predict(std::string_view text, PredictScratch* scratch, std::span<float> scores,
                    std::optional<ChunkAggregate> aggregate) const {
  chunk_ranges(text, spec_.chunking, &scratch->hashing, &scratch->chunks);
  if (!scratch->chunks.empty()) {
    score_chunks(text, scratch);
    aggregate_chunks(*scratch, aggregate.value_or(spec_.chunking.aggregate), scores);
    return;
  }
  encode(text, scratch, &scratch->features);
  logits(scratch->features, scores);
  logits_to_scores(spec_, scores, scores);
}

}  // namespace winnow
