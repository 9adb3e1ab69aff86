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
    return Status::invalid_argument("unknown architecture '" + architecture + "' (known: " +
                                    architecture_names() + ")");
  }
  WINNOW_RETURN_IF_ERROR(features.validate());
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

size_t weigh_features(std::span<Feature> features, std::span<const float> idf,
                      const WeightingConfig& config) {
  double sq[2] = {0.0, 0.0};
  for (Feature& f : features) {
    float v = f.value;
    if (config.sublinear_tf) {
      const auto count = static_cast<uint32_t>(v);
      v = count < SublinearTable::kSize ? kSublinear.value[count] : 1.0f + std::log(v);
    }
    if (config.use_idf) v *= idf[feature_bucket(f.key)];
    f.value = v;
    const double d = static_cast<double>(v);
    sq[static_cast<uint32_t>(feature_group(f.key))] += d * d;
  }
  const float scale[2] = {
      sq[0] > 0 ? static_cast<float>(static_cast<double>(config.word_norm) / std::sqrt(sq[0]))
                : 0.0f,
      sq[1] > 0 ? static_cast<float>(static_cast<double>(config.char_norm) / std::sqrt(sq[1]))
                : 0.0f};
  size_t kept = 0;
  for (const Feature& f : features) {
    const float v = f.value * scale[static_cast<uint32_t>(feature_group(f.key))];
    if (v == 0.0f) continue;
    features[kept++] = {feature_bucket(f.key), v};
  }
  return kept;
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

void Model::predict_batch(std::span<const std::string_view> texts, PredictScratch* scratch,
                          std::span<float> scores) const {
  if (scratch->batch.size() < texts.size()) scratch->batch.resize(texts.size());
  scratch->batch_outs.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    weighted_ngrams(*this, texts[i], scratch, &scratch->batch[i]);
    scratch->batch_outs.push_back(&scratch->batch[i]);
  }
  if (architecture_->append_extra_inputs) {
    architecture_->append_extra_inputs(spec_, runtime_.get(), texts, scratch,
                                       scratch->batch_outs);
  }
  const size_t n = num_outputs_;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::span<float> out = scores.subspan(i * n, n);
    logits(scratch->batch[i], out);
    logits_to_scores(spec_, out, out);
  }
}

void Model::predict(std::string_view text, PredictScratch* scratch, std::span<float> scores) const {
  encode(text, scratch, &scratch->features);
  logits(scratch->features, scores);
  logits_to_scores(spec_, scores, scores);
}

}  // namespace winnow
