#include "train/losses.h"

#include <algorithm>
#include <cmath>

namespace winnow {

std::vector<HeadLayout> head_layouts(const ModelSpec& spec) {
  std::vector<HeadLayout> out;
  uint32_t offset = 0, unit = 0;
  for (size_t h = 0; h < spec.heads.size(); ++h) {
    const HeadSpec& head = spec.heads[h];
    const auto size = static_cast<uint32_t>(head.labels.size());
    out.push_back({offset, size, static_cast<uint32_t>(h), unit, head.kind, head.loss_weight});
    offset += size;
    unit += head.kind == HeadKind::kMultiLabel ? size : 1;
  }
  return out;
}

std::vector<LossUnit> loss_units(const ModelSpec& spec) {
  std::vector<LossUnit> out;
  for (const HeadLayout& h : head_layouts(spec)) {
    if (h.kind == HeadKind::kMultiLabel) {
      for (uint32_t k = 0; k < h.size; ++k) out.push_back({h.index, h.offset + k, 1});
    } else {
      out.push_back({h.index, h.offset, h.size});
    }
  }
  return out;
}

double sample_loss(const std::vector<HeadLayout>& heads, const float* z, const uint8_t* targets,
                   const uint8_t* has_head, float* grad, double* unit_loss) {
  double loss = 0;
  for (const HeadLayout& h : heads) {
    const float* zh = z + h.offset;
    const uint8_t* yh = targets + h.offset;
    float* gh = grad ? grad + h.offset : nullptr;
    if (!has_head[h.index] || h.weight == 0.0f) {
      if (gh) std::fill(gh, gh + h.size, 0.0f);
      continue;
    }
    const double w = static_cast<double>(h.weight);
    if (h.kind == HeadKind::kMultiLabel) {
      for (uint32_t k = 0; k < h.size; ++k) {
        const float x = zh[k];
        const float y = yh[k] ? 1.0f : 0.0f;
        // softplus(x) - y*x, computed without overflow.
        const double l = w * static_cast<double>(std::max(x, 0.0f) - y * x +
                                                 std::log1p(std::exp(-std::fabs(x))));
        loss += l;
        if (unit_loss) unit_loss[h.first_unit + k] += l;
        if (gh) gh[k] = h.weight * (1.0f / (1.0f + std::exp(-x)) - y);
      }
    } else {
      float max_z = zh[0];
      for (uint32_t k = 1; k < h.size; ++k) max_z = std::max(max_z, zh[k]);
      float sum = 0;
      uint32_t gold = 0;
      for (uint32_t k = 0; k < h.size; ++k) {
        sum += std::exp(zh[k] - max_z);
        gold += yh[k];
      }
      const float log_sum = max_z + std::log(sum);
      const float share = gold > 0 ? 1.0f / static_cast<float>(gold) : 0.0f;
      double l = 0;
      for (uint32_t k = 0; k < h.size; ++k) {
        const float y = yh[k] ? share : 0.0f;
        l -= static_cast<double>(y * (zh[k] - log_sum));
        if (gh) gh[k] = h.weight * (std::exp(zh[k] - log_sum) - y);
      }
      loss += w * l;
      if (unit_loss) unit_loss[h.first_unit] += w * l;
    }
  }
  return loss;
}

}  // namespace winnow
