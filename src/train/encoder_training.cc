#include "train/encoder_training.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "encoder/text_encoder.h"
#include "train/losses.h"
#include "train/trainer.h"

namespace winnow {

namespace {

constexpr int kMixGridSteps = 20;         // ngram_weight in {0, 1/20, ..., 1}
constexpr double kMixWithoutValid = 0.5;  // no validation data to choose with

// The float tensor `name` of `map`, or kInternal naming it (the stages that make these
// tensors are this file's and the linear learner's: a missing one is a bug, not bad input).
Result<std::vector<float>*> mix_tensor(TensorDataMap* map, const std::string& name,
                                       size_t expected) {
  auto it = map->find(name);
  if (it == map->end() || it->second.type != TensorType::kF32 ||
      it->second.f32.size() != expected) {
    return Status::internal("combining the encoder: tensor " + name +
                            " is missing or has the wrong size");
  }
  return &it->second.f32;
}

}  // namespace

Result<TensorDataMap> encoder_fixed_tensors(const TrainOptions& o, ModelSpec* spec) {
  const std::string dir = o.encoder_dir.empty() ? default_encoder_dir() : o.encoder_dir;
  WINNOW_ASSIGN_OR_RETURN(TensorDataMap tensors, TextEncoder::import_package(dir));
  TensorMap views;
  for (const auto& [name, t] : tensors) views.emplace(name, t.view());
  spec->encoder.name = std::string(TextEncoder::kUseLite);
  spec->encoder.norm = o.encoder_norm;
  spec->encoder.weights_checksum = TextEncoder::checksum(views);
  return tensors;
}

Status encoder_tune_fixed(const TrainOptions& o, const RawSplit& train, ModelSpec* spec,
                          TensorDataMap* fixed, TensorDataMap* carried, int threads) {
  if (o.fine_tune_epochs <= 0 || train.samples.empty()) return Status::ok();
  const size_t n = train.samples.size();
  const uint32_t outputs = spec->num_outputs();
  std::vector<uint8_t> targets(n * outputs), counted(n * outputs);
  std::vector<std::string_view> texts(n);
  for (size_t i = 0; i < n; ++i) {
    const std::span<uint8_t> t(targets.data() + i * outputs, outputs);
    const std::span<uint8_t> c(counted.data() + i * outputs, outputs);
    Status st = sample_targets(train.samples[i], *spec, t, c);
    if (!st.is_ok()) {
      return st.with_context(train.files[train.file_of_sample[i]] + ":" +
                             std::to_string(train.line_of_sample[i]));
    }
    texts[i] = train.samples[i].text;
  }
  UseLiteTuneOptions tune;
  tune.epochs = o.fine_tune_epochs;
  tune.seed = o.seed;
  tune.threads = threads;
  tune.cancel = o.cancel;
  if (o.on_event) {
    tune.on_step = [&](int64_t step, int64_t total, double loss) {
      TrainEvent e;
      e.kind = TrainEvent::Kind::kFineTuning;
      e.step = step;
      e.total_steps = total;
      e.train_loss = loss;
      o.on_event(e);
    };
  }
  WINNOW_RETURN_IF_ERROR(TextEncoder::fine_tune(
      fixed, texts, {static_cast<int>(outputs), targets, counted}, tune, carried));
  TensorMap views;
  for (const auto& [name, t] : *fixed) views.emplace(name, t.view());
  spec->encoder.weights_checksum = TextEncoder::checksum(views);
  spec->encoder.fine_tune_epochs = o.fine_tune_epochs;
  return Status::ok();
}

Status encoder_combine(const ModelSpec& spec, const SampleSet& valid, const TensorDataMap& carried,
                       TensorDataMap* learned, nlohmann::json* report) {
  const uint32_t outputs = spec.num_outputs();
  const uint32_t buckets = spec.features.buckets();
  const uint32_t dim = TextEncoder::kEmbeddingDim;
  const size_t rows = static_cast<size_t>(buckets) + dim;
  WINNOW_ASSIGN_OR_RETURN(std::vector<float> * w,
                          mix_tensor(learned, "linear.weight", rows * outputs));
  WINNOW_ASSIGN_OR_RETURN(std::vector<float> * b, mix_tensor(learned, "linear.bias", outputs));
  TensorDataMap head = carried;
  WINNOW_ASSIGN_OR_RETURN(std::vector<float> * hw,
                          mix_tensor(&head, "head/kernel", static_cast<size_t>(dim) * outputs));
  WINNOW_ASSIGN_OR_RETURN(std::vector<float> * hb, mix_tensor(&head, "head/bias", outputs));
  const float head_scale = UseLiteTuneOptions{}.head_scale;
  const float norm = spec.encoder.norm;

  const std::vector<LossUnit> units = loss_units(spec);
  const std::vector<HeadLayout> layouts = head_layouts(spec);
  std::vector<double> mix(units.size(), kMixWithoutValid);
  std::vector<double> best_loss(units.size(), std::numeric_limits<double>::infinity());
  const size_t n = valid.size();
  if (n > 0) {
    // Both models' logits on every validation sample: the n-gram part of the learned
    // weights (its embedding rows got no gradient), and the carried layer on the embedding
    // (the features after the n-grams are norm * embedding).
    std::vector<float> ngram(n * outputs), enc(n * outputs);
    std::vector<Feature> buffer;
    for (size_t i = 0; i < n; ++i) {
      float* z1 = ngram.data() + i * outputs;
      float* z2 = enc.data() + i * outputs;
      std::copy(b->begin(), b->end(), z1);
      std::copy(hb->begin(), hb->end(), z2);
      for (const Feature& f : valid.features_of(i, &buffer)) {
        if (f.key < buckets) {
          const float* row = w->data() + static_cast<size_t>(f.key) * outputs;
          for (uint32_t o = 0; o < outputs; ++o) z1[o] += f.value * row[o];
        } else {
          const float x = f.value * head_scale / norm;
          const float* row = hw->data() + static_cast<size_t>(f.key - buckets) * outputs;
          for (uint32_t o = 0; o < outputs; ++o) z2[o] += x * row[o];
        }
      }
    }
    std::vector<float> z(outputs);
    std::vector<double> unit_loss(units.size());
    for (int g = 0; g <= kMixGridSteps; ++g) {
      const double a = static_cast<double>(g) / kMixGridSteps;
      std::fill(unit_loss.begin(), unit_loss.end(), 0.0);
      for (size_t i = 0; i < n; ++i) {
        for (uint32_t o = 0; o < outputs; ++o) {
          z[o] = static_cast<float>(a * static_cast<double>(ngram[i * outputs + o]) +
                                    (1 - a) * static_cast<double>(enc[i * outputs + o]));
        }
        sample_loss(layouts, z.data(), valid.targets_of(i), valid.heads_of(i), nullptr,
                    unit_loss.data());
      }
      for (size_t u = 0; u < units.size(); ++u) {
        if (unit_loss[u] < best_loss[u]) {
          best_loss[u] = unit_loss[u];
          mix[u] = a;
        }
      }
    }
  }
  // Fold the mix into the linear weights.
  nlohmann::json mixed = nlohmann::json::array();
  for (size_t u = 0; u < units.size(); ++u) {
    const LossUnit& unit = units[u];
    const auto a = static_cast<float>(mix[u]);
    for (uint32_t o = unit.first_output; o < unit.first_output + unit.outputs; ++o) {
      for (size_t r = 0; r < buckets; ++r) (*w)[r * outputs + o] *= a;
      for (uint32_t j = 0; j < dim; ++j) {
        (*w)[(buckets + j) * static_cast<size_t>(outputs) + o] =
            (1 - a) * head_scale / norm * (*hw)[static_cast<size_t>(j) * outputs + o];
      }
      (*b)[o] = a * (*b)[o] + (1 - a) * (*hb)[o];
    }
    const HeadSpec& h = spec.heads[unit.head];
    const uint32_t first = unit.first_output - spec.output_offset(unit.head);
    nlohmann::json labels = nlohmann::json::array();
    for (uint32_t k = 0; k < unit.outputs; ++k) labels.push_back(h.labels[first + k]);
    nlohmann::json entry = {{"head", h.name}, {"labels", labels}, {"ngram_weight", mix[u]}};
    if (n > 0) entry["validation_loss"] = best_loss[u] / static_cast<double>(n);
    mixed.push_back(std::move(entry));
  }
  *report = {{"method",
              "per unit: ngram_weight * n-gram logits + (1 - ngram_weight) * fine-tuned encoder "
              "logits, the weight of lowest validation loss"},
             {"chosen_on", n > 0 ? "validation" : "default (no validation data)"},
             {"units", std::move(mixed)}};
  return Status::ok();
}

}  // namespace winnow
