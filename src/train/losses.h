// Per-head losses and their gradients with respect to the logits, shared by every learner.
//  - single-label head: softmax cross-entropy against the one gold label;
//  - multi-label head: sum over labels of binary cross-entropy of sigmoid(logit);
//  - normalized multi-label head: softmax cross-entropy against the uniform distribution over
//    the gold labels (Mistral's observed behaviour).
// A sample's loss is the sum over the heads it carries of loss_weight * head loss.
//
// Loss units are the independent parts of that sum: one per label of a multi-label head (each
// is its own binary problem) and one per softmax head. Model selection (regularization strength,
// checkpoint) is done per unit.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"

namespace winnow {

struct HeadLayout {
  uint32_t offset = 0;      // first output
  uint32_t size = 0;        // labels
  uint32_t index = 0;       // head number
  uint32_t first_unit = 0;  // its first loss unit
  HeadKind kind = HeadKind::kSingleLabel;
  float weight = 1.0f;
};

struct LossUnit {
  uint32_t head = 0;
  uint32_t first_output = 0;
  uint32_t outputs = 0;
};

std::vector<HeadLayout> head_layouts(const ModelSpec& spec);
std::vector<LossUnit> loss_units(const ModelSpec& spec);

// Loss of one sample given its logits `z`, 0/1 `targets` and head flags `has_head`. If `grad`
// is not null it receives d loss / d z for every output (0 for heads the sample leaves out).
// If `unit_loss` is not null, each unit's (weighted) loss is added to unit_loss[unit].
double sample_loss(const std::vector<HeadLayout>& heads, const float* z, const uint8_t* targets,
                   const uint8_t* has_head, float* grad, double* unit_loss = nullptr);

}  // namespace winnow
