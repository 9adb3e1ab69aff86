// Attribution: how much each unit of a text (text_units.h) adds to what a model computes for
// an output, for one text read whole (explanation.h handles long texts' chunks).
//
// What is explained is a number that decides the label's score alone: the label's logit for a
// multi-label (sigmoid) head; for a softmax head, the label's logit minus the mean logit of its
// head (softmax scores depend only on such differences).
//
// Methods:
//  - exact: every architecture's first input block is the weighted hashed n-grams, and the
//    logits are linear in it, so each n-gram's part of the explained value is known exactly:
//    weight(n-gram) * W[bucket][label]. It is shared by the n-gram's occurrences and spread
//    evenly over the visible bytes each occurrence covers; a unit's contribution is the sum over
//    its bytes. For the linear architecture, value = base + sum of contributions, with base the
//    bias (plus any rounding).
//  - occlusion: model-agnostic. A unit's contribution is value(text) - value(text with that
//    unit blanked out by spaces, offsets kept); every blanked text is scored in batches. Over
//    max_occlusions units, neighbouring units are occluded together as one span.
//  - auto: exact for the n-grams, plus occlusion of the architecture's extra inputs only (an
//    encoder's embedding): what the encoder block adds to the value when a unit is there.
//    Equal to exact for architectures without extra inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "explain/text_units.h"
#include "model/model.h"

namespace winnow {

enum class ExplainMethod { kAuto, kExact, kOcclusion };
std::string_view explain_method_name(ExplainMethod m);  // "auto", "exact", "occlusion"
Result<ExplainMethod> parse_explain_method(std::string_view name);

// One output to explain and the head it belongs to.
struct ExplainedOutput {
  uint32_t output = 0;      // index into the model's outputs
  uint32_t head_begin = 0;  // the head's outputs: [head_begin, head_end)
  uint32_t head_end = 0;
  bool centered = false;  // softmax head: explain logit - mean logit of the head
};

struct Attribution {
  std::vector<TextUnit> units;      // of the text; occlusion may merge neighbours into one
  std::vector<float> contribution;  // units.size() x outputs.size(), unit-major
  std::vector<float> value;         // per output: the explained value of the whole text
  std::vector<float> base;          // per output: value - sum of the units' contributions
};

// Attributes `outputs` of `model` over the units of `text`. Thread-safe with one scratch per
// thread. kInvalidArgument for max_occlusions == 0.
Status attribute(const Model& model, std::string_view text,
                 std::span<const ExplainedOutput> outputs, ExplainMethod method,
                 size_t max_occlusions, PredictScratch* scratch, Attribution* out);

}  // namespace winnow
