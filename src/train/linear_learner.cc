#include "train/linear_learner.h"

#include <algorithm>
#include <cmath>

namespace winnow {

// Below this scale the stored weights are rescaled, keeping their magnitude in float range.
constexpr double kMinScale = 1e-3;

LinearLearner::LinearLearner(const ModelSpec& spec, const SampleSet& train, int threads)
    : heads_(head_layouts(spec)), outputs_(spec.num_outputs()) {
  weights_.assign(static_cast<size_t>(spec.features.buckets()) * outputs_, 0.0f);
  bias_.assign(outputs_, 0.0f);
  // Priors: count gold labels per output over samples that carry the head.
  std::vector<double> pos(outputs_, 0.0), seen(heads_.size(), 0.0);
  for (size_t i = 0; i < train.size(); ++i) {
    const uint8_t* y = train.targets_of(i);
    const uint8_t* has = train.heads_of(i);
    for (const HeadLayout& h : heads_) {
      if (!has[h.index]) continue;
      seen[h.index] += 1;
      for (uint32_t k = 0; k < h.size; ++k) pos[h.offset + k] += y[h.offset + k];
    }
  }
  for (const HeadLayout& h : heads_) {
    for (uint32_t k = 0; k < h.size; ++k) {
      // Add-one smoothing keeps the log finite for labels that are always or never present.
      const double p = (pos[h.offset + k] + 1.0) / (seen[h.index] + 2.0);
      bias_[h.offset + k] = static_cast<float>(
          h.kind == HeadKind::kMultiLabel ? std::log(p / (1.0 - p)) : std::log(p));
    }
  }
  scratch_.resize(static_cast<size_t>(std::max(1, threads)));
  for (Scratch& s : scratch_) {
    s.z.assign(outputs_, 0.0f);
    s.grad.assign(outputs_, 0.0f);
  }
}

// Hogwild: reads and writes of shared rows race by design (see the header), so the thread
// sanitizer is told to look away from this function only.
__attribute__((no_sanitize("thread"))) void LinearLearner::sgd_range(
    const SampleSet& data, std::span<const uint32_t> batch, size_t member, size_t stride,
    float lr) {
  Scratch& s = scratch_[member];
  const uint32_t n = outputs_;
  float* z = s.z.data();
  float* g = s.grad.data();
  float* w = weights_.data();
  float* b = bias_.data();
  const float scale = static_cast<float>(scale_);
  const float step = lr / scale;
  double loss = 0;
  for (size_t j = member; j < batch.size(); j += stride) {
    const uint32_t i = batch[j];
    const std::span<const WeightedFeature> x = data.features_of(i);
    std::fill(z, z + n, 0.0f);
    for (const WeightedFeature& f : x) {
      const float* row = w + static_cast<size_t>(f.bucket) * n;
      for (uint32_t o = 0; o < n; ++o) z[o] += f.value * row[o];
    }
    for (uint32_t o = 0; o < n; ++o) z[o] = scale * z[o] + b[o];
    loss += sample_loss(heads_, z, data.targets_of(i), data.heads_of(i), g);
    for (const WeightedFeature& f : x) {
      float* row = w + static_cast<size_t>(f.bucket) * n;
      const float a = step * f.value;
      for (uint32_t o = 0; o < n; ++o) row[o] -= a * g[o];
    }
    for (uint32_t o = 0; o < n; ++o) b[o] -= lr * g[o];
  }
  s.loss = loss;
}

double LinearLearner::train_step(const SampleSet& data, std::span<const uint32_t> batch, float lr,
                                 double l2, WorkerTeam* team) {
  const size_t members = static_cast<size_t>(team->size());
  team->run([&](int member) { sgd_range(data, batch, static_cast<size_t>(member), members, lr); });
  double loss = 0;
  for (size_t m = 0; m < members; ++m) loss += scratch_[m].loss;
  scale_ *= std::pow(1.0 - std::min(1.0, static_cast<double>(lr) * l2),
                     static_cast<double>(batch.size()));
  if (scale_ < kMinScale) fold_scale(team);
  return loss;
}

void LinearLearner::fold_scale(WorkerTeam* team) {
  const float s = static_cast<float>(scale_);
  team->run_ranges(weights_.size(), [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) weights_[i] *= s;
  });
  scale_ = 1.0;
}

double LinearLearner::evaluate(const SampleSet& data, std::vector<float>* scores,
                               WorkerTeam* team) const {
  const uint32_t n = outputs_;
  scores->assign(data.size() * n, 0.0f);
  std::vector<double> losses(static_cast<size_t>(team->size()), 0.0);
  const float scale = static_cast<float>(scale_);
  team->run_ranges(data.size(), [&](size_t begin, size_t end, int member) {
    double loss = 0;
    for (size_t i = begin; i < end; ++i) {
      float* z = scores->data() + i * n;
      for (const WeightedFeature& f : data.features_of(i)) {
        const float* row = weights_.data() + static_cast<size_t>(f.bucket) * n;
        for (uint32_t o = 0; o < n; ++o) z[o] += f.value * row[o];
      }
      for (uint32_t o = 0; o < n; ++o) z[o] = scale * z[o] + bias_[o];
      loss += sample_loss(heads_, z, data.targets_of(i), data.heads_of(i), nullptr);
      // Scores in place: softmax or sigmoid per head.
      for (const HeadLayout& h : heads_) {
        float* zh = z + h.offset;
        if (h.kind == HeadKind::kMultiLabel) {
          for (uint32_t k = 0; k < h.size; ++k) zh[k] = 1.0f / (1.0f + std::exp(-zh[k]));
        } else {
          const float m = *std::max_element(zh, zh + h.size);
          float sum = 0;
          for (uint32_t k = 0; k < h.size; ++k) sum += (zh[k] = std::exp(zh[k] - m));
          for (uint32_t k = 0; k < h.size; ++k) zh[k] /= sum;
        }
      }
    }
    losses[static_cast<size_t>(member)] = loss;
  });
  double total = 0;
  for (double l : losses) total += l;
  return total;
}

void LinearLearner::snapshot(std::vector<float>* weights, std::vector<float>* bias,
                             WorkerTeam* team) const {
  weights->resize(weights_.size());
  const float s = static_cast<float>(scale_);
  team->run_ranges(weights_.size(), [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) (*weights)[i] = s * weights_[i];
  });
  *bias = bias_;
}

}  // namespace winnow
