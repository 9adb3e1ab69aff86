#include "train/linear_learner.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace winnow {

namespace {

// Four floats in one SIMD register where the target has one (SSE2 is baseline on x86-64, NEON
// on AArch64); GCC lowers it to scalar code elsewhere, so there is no separate fallback.
// Loads and stores go through memcpy: rows are only 4-byte aligned as far as the language knows.
using Float4 = float __attribute__((vector_size(16)));
constexpr size_t kLanes = 4;

// Weight rows are read and written by several threads at once (Hogwild, see the header): the
// helpers that touch them are excluded from the thread sanitizer, like sgd_range itself.
#define WINNOW_HOGWILD __attribute__((no_sanitize("thread")))

WINNOW_HOGWILD inline Float4 load4(const float* p) {
  Float4 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
WINNOW_HOGWILD inline void store4(float* p, Float4 v) { std::memcpy(p, &v, sizeof(v)); }

// z[0..n) += v * row[0..n); n is a multiple of kLanes.
WINNOW_HOGWILD inline void axpy(float v, const float* row, float* z, size_t n) {
  const Float4 vv = {v, v, v, v};
  for (size_t o = 0; o < n; o += kLanes) store4(z + o, load4(z + o) + vv * load4(row + o));
}

// row[0..n) -= v * g[0..n); n is a multiple of kLanes.
WINNOW_HOGWILD inline void update_row(float v, const float* g, float* row, size_t n) {
  const Float4 vv = {v, v, v, v};
  for (size_t o = 0; o < n; o += kLanes) store4(row + o, load4(row + o) - vv * load4(g + o));
}

}  // namespace

// Below this scale the stored weights are rescaled, keeping their magnitude in float range.
constexpr double kMinScale = 1e-3;

LinearLearner::LinearLearner(const ModelSpec& spec, const SampleSet& train, std::vector<double> l2,
                             int team_size)
    : heads_(head_layouts(spec)), outputs_(spec.num_outputs()), l2_(std::move(l2)) {
  const size_t r = l2_.size();
  // Rows are padded to whole SIMD registers; padding columns stay zero (their gradient is 0).
  row_len_ = (r * outputs_ + kLanes - 1) / kLanes * kLanes;
  const size_t row = row_len_;
  weights_.assign(static_cast<size_t>(spec.num_inputs()) * row, 0.0f);
  kept_weights_.assign(static_cast<size_t>(spec.num_inputs()) * outputs_, 0.0f);
  kept_bias_.assign(outputs_, 0.0f);
  scale_.assign(r, 1.0);
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
  std::vector<float> prior(outputs_, 0.0f);
  for (const HeadLayout& h : heads_) {
    for (uint32_t k = 0; k < h.size; ++k) {
      // Add-one smoothing keeps the log finite for labels that are always or never present.
      const double p = (pos[h.offset + k] + 1.0) / (seen[h.index] + 2.0);
      prior[h.offset + k] = static_cast<float>(
          h.kind == HeadKind::kMultiLabel ? std::log(p / (1.0 - p)) : std::log(p));
    }
  }
  bias_.clear();
  for (size_t k = 0; k < r; ++k) bias_.insert(bias_.end(), prior.begin(), prior.end());
  scratch_.resize(static_cast<size_t>(std::max(1, team_size)));
  for (Scratch& s : scratch_) {
    s.z.assign(row, 0.0f);
    s.grad.assign(row, 0.0f);
    s.step.assign(r, 0.0f);
    s.loss.assign(r, 0.0);
  }
}

WINNOW_HOGWILD void LinearLearner::sgd_range(const SampleSet& data, std::span<const uint32_t> batch,
                                             size_t member, size_t stride, float lr) {
  Scratch& s = scratch_[member];
  const size_t reps = l2_.size();
  const uint32_t n = outputs_;
  const size_t row_len = row_len_;
  float* z = s.z.data();
  float* g = s.grad.data();
  float* w = weights_.data();
  float* b = bias_.data();
  for (size_t r = 0; r < reps; ++r) {
    s.step[r] = lr / static_cast<float>(scale_[r]);
    s.loss[r] = 0.0;
  }
  // Each sample is read (decoded, for compact sets) once, one sample ahead: while sample j is
  // computed, the rows of sample j + stride, scattered over a table much larger than the
  // caches, are being fetched.
  std::vector<Feature>* current = &s.x[0];
  std::vector<Feature>* ahead = &s.x[1];
  std::span<const Feature> next;
  if (member < batch.size()) next = data.features_of(batch[member], ahead);
  for (size_t j = member; j < batch.size(); j += stride) {
    std::swap(current, ahead);
    const std::span<const Feature> x = next;
    if (j + stride < batch.size()) {
      next = data.features_of(batch[j + stride], ahead);
      for (const Feature& f : next) {
        __builtin_prefetch(w + static_cast<size_t>(f.key) * row_len, 1, 1);
      }
    }
    const uint32_t i = batch[j];
    std::fill(z, z + row_len, 0.0f);
    for (const Feature& f : x) axpy(f.value, w + static_cast<size_t>(f.key) * row_len, z, row_len);
    const uint8_t* y = data.targets_of(i);
    const uint8_t* has = data.heads_of(i);
    for (size_t r = 0; r < reps; ++r) {
      float* zr = z + r * n;
      const float scale = static_cast<float>(scale_[r]);
      for (uint32_t o = 0; o < n; ++o) zr[o] = scale * zr[o] + b[r * n + o];
      s.loss[r] += sample_loss(heads_, zr, y, has, g + r * n);
      // The step of each replica folds its scale in, so the row update below is one loop.
      for (uint32_t o = 0; o < n; ++o) {
        b[r * n + o] -= lr * g[r * n + o];
        g[r * n + o] *= s.step[r];
      }
    }
    for (const Feature& f : x) {
      update_row(f.value, g, w + static_cast<size_t>(f.key) * row_len, row_len);
    }
  }
}

void LinearLearner::train_step(const SampleSet& data, std::span<const uint32_t> batch, float lr,
                               WorkerTeam* team, std::vector<double>* losses) {
  const size_t members = static_cast<size_t>(team->size());
  // The closure holds two pointers, so std::function stores it inline: no allocation per step.
  struct StepArgs {
    const SampleSet* data;
    std::span<const uint32_t> batch;
    size_t members;
    float lr;
  } args{&data, batch, members, lr};
  team->run([this, a = &args](int member) {
    sgd_range(*a->data, a->batch, static_cast<size_t>(member), a->members, a->lr);
  });
  losses->assign(l2_.size(), 0.0);
  for (size_t m = 0; m < members; ++m) {
    for (size_t r = 0; r < l2_.size(); ++r) (*losses)[r] += scratch_[m].loss[r];
  }
  bool fold = false;
  for (size_t r = 0; r < l2_.size(); ++r) {
    scale_[r] *= std::pow(1.0 - std::min(1.0, static_cast<double>(lr) * l2_[r]),
                          static_cast<double>(batch.size()));
    fold = fold || scale_[r] < kMinScale;
  }
  if (fold) fold_scales(team);
}

void LinearLearner::fold_scales(WorkerTeam* team) {
  const size_t row_len = row_len_;
  std::vector<float> s(row_len, 0.0f);
  for (size_t o = 0; o < l2_.size() * outputs_; ++o)
    s[o] = static_cast<float>(scale_[o / outputs_]);
  const size_t rows = weights_.size() / row_len;
  team->run_ranges(rows, [&](size_t begin, size_t end, int) {
    for (size_t b = begin; b < end; ++b) {
      float* row = weights_.data() + b * row_len;
      for (size_t o = 0; o < row_len; ++o) row[o] *= s[o];
    }
  });
  std::fill(scale_.begin(), scale_.end(), 1.0);
}

void LinearLearner::evaluate(const SampleSet& data, const std::vector<LossUnit>& units,
                             std::vector<float>* scores, std::vector<double>* unit_losses,
                             WorkerTeam* team) const {
  const size_t reps = l2_.size();
  const uint32_t n = outputs_;
  const size_t out_len = reps * n;
  scores->assign(data.size() * out_len, 0.0f);
  const size_t members = static_cast<size_t>(team->size());
  std::vector<std::vector<double>> partial(members, std::vector<double>(reps * units.size(), 0.0));
  team->run_ranges(data.size(), [&](size_t begin, size_t end, int member) {
    std::vector<double>& acc = partial[static_cast<size_t>(member)];
    std::vector<float> zbuf(row_len_);
    float* zpad = zbuf.data();
    std::vector<Feature> buffers[2];
    std::vector<Feature>* current = &buffers[0];
    std::vector<Feature>* ahead = &buffers[1];
    std::span<const Feature> next;
    if (begin < end) next = data.features_of(begin, ahead);
    for (size_t i = begin; i < end; ++i) {
      std::swap(current, ahead);
      const std::span<const Feature> x = next;
      if (i + 1 < end) {
        next = data.features_of(i + 1, ahead);
        for (const Feature& f : next) {
          __builtin_prefetch(weights_.data() + static_cast<size_t>(f.key) * row_len_, 0, 1);
        }
      }
      std::fill(zpad, zpad + row_len_, 0.0f);
      for (const Feature& f : x) {
        axpy(f.value, weights_.data() + static_cast<size_t>(f.key) * row_len_, zpad, row_len_);
      }
      float* z = scores->data() + i * out_len;
      std::copy(zpad, zpad + out_len, z);
      for (size_t r = 0; r < reps; ++r) {
        float* zr = z + r * n;
        const float scale = static_cast<float>(scale_[r]);
        for (uint32_t o = 0; o < n; ++o) zr[o] = scale * zr[o] + bias_[r * n + o];
        sample_loss(heads_, zr, data.targets_of(i), data.heads_of(i), nullptr,
                    acc.data() + r * units.size());
        for (const HeadLayout& h : heads_) {
          float* zh = zr + h.offset;
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
    }
  });
  unit_losses->assign(reps * units.size(), 0.0);
  for (const auto& p : partial) {
    for (size_t i = 0; i < p.size(); ++i) (*unit_losses)[i] += p[i];
  }
}

void LinearLearner::keep_unit(size_t replica, const LossUnit& unit, WorkerTeam* team) {
  const size_t row_len = row_len_;
  const size_t rows = weights_.size() / row_len;
  const float s = static_cast<float>(scale_[replica]);
  const size_t from = replica * outputs_ + unit.first_output;
  team->run_ranges(rows, [&](size_t begin, size_t end, int) {
    for (size_t b = begin; b < end; ++b) {
      const float* src = weights_.data() + b * row_len + from;
      float* dst = kept_weights_.data() + b * outputs_ + unit.first_output;
      for (uint32_t o = 0; o < unit.outputs; ++o) dst[o] = s * src[o];
    }
  });
  for (uint32_t o = 0; o < unit.outputs; ++o) {
    kept_bias_[unit.first_output + o] = bias_[replica * outputs_ + unit.first_output + o];
  }
}

TensorDataMap LinearLearner::take_kept() {
  TensorDataMap out;
  out.emplace("linear.weight", TensorData::floats(std::move(kept_weights_)));
  out.emplace("linear.bias", TensorData::floats(std::move(kept_bias_)));
  return out;
}

}  // namespace winnow
