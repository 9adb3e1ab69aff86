#include "model/model.h"

#include <algorithm>
#include <cmath>
#include <set>

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

Status ModelSpec::validate() const {
  if (architecture != "linear") {
    return Status::invalid_argument("unknown architecture '" + architecture + "'");
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

Result<std::shared_ptr<const Model>> Model::create(ModelSpec spec, nlohmann::json metadata,
                                                   std::vector<float> idf,
                                                   std::vector<float> weights,
                                                   std::vector<float> bias) {
  struct Owned {
    std::vector<float> idf, weights, bias;
  };
  auto owned = std::make_shared<Owned>(Owned{std::move(idf), std::move(weights), std::move(bias)});
  std::span<const float> i(owned->idf), w(owned->weights), b(owned->bias);
  return view(std::move(spec), std::move(metadata), std::move(owned), i, w, b);
}

Result<std::shared_ptr<const Model>> Model::view(ModelSpec spec, nlohmann::json metadata,
                                                 std::shared_ptr<const void> storage,
                                                 std::span<const float> idf,
                                                 std::span<const float> weights,
                                                 std::span<const float> bias) {
  WINNOW_RETURN_IF_ERROR(spec.validate());
  const uint64_t buckets = spec.features.buckets();
  const uint64_t outputs = spec.num_outputs();
  if (spec.weighting.use_idf ? idf.size() != buckets : !idf.empty()) {
    return Status::invalid_argument("idf has " + std::to_string(idf.size()) + " values, expected " +
                                    std::to_string(spec.weighting.use_idf ? buckets : 0));
  }
  if (weights.size() != buckets * outputs) {
    return Status::invalid_argument("weights have " + std::to_string(weights.size()) +
                                    " values, expected " + std::to_string(buckets * outputs));
  }
  if (bias.size() != outputs) {
    return Status::invalid_argument("bias has " + std::to_string(bias.size()) +
                                    " values, expected " + std::to_string(outputs));
  }
  std::shared_ptr<Model> m(new Model());
  m->hasher_ = FeatureHasher(spec.features);
  m->spec_ = std::move(spec);
  m->metadata_ = std::move(metadata);
  m->storage_ = std::move(storage);
  m->idf_ = idf;
  m->weights_ = weights;
  m->bias_ = bias;
  m->num_outputs_ = static_cast<uint32_t>(outputs);
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

void Model::predict(std::string_view text, PredictScratch* scratch, std::span<float> scores) const {
  hasher_.extract(text, &scratch->hashing, &scratch->features);
  scratch->features.resize(weigh_features(scratch->features, idf_, spec_.weighting));
  logits(scratch->features, scores);
  logits_to_scores(spec_, scores, scores);
}

}  // namespace winnow
