// Explanations of a model's scores for one text: for each explained label, the spans of the
// text that raised and lowered it, with how much (attribution.h). Long texts (chunking.h) are
// explained through the chunk that decided the score (max aggregate) or through every chunk,
// each weighted 1/chunks (mean); offsets always point into the text as given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "explain/attribution.h"
#include "model/model.h"

namespace winnow {

struct ExplainOptions {
  ExplainMethod method = ExplainMethod::kAuto;
  // Labels to explain as (head index, label index); empty: every flagged label of each head
  // (multi-label: score >= threshold; single-label: the top label), or the head's top label
  // when none of a multi-label head's labels is flagged.
  std::vector<std::pair<uint32_t, uint32_t>> labels;
  std::optional<ChunkAggregate> aggregate;  // nullopt: the model's
  size_t max_occlusions = 256;              // units occluded one by one, per chunk
};

struct SpanContribution {
  uint32_t begin = 0;  // bytes of the text
  uint32_t end = 0;
  bool word = false;
  float contribution = 0.0f;  // to the explained value (attribution.h); > 0 raised the score
};

struct LabelExplanation {
  uint32_t head = 0;
  uint32_t label = 0;
  float score = 0.0f;  // the label's (aggregated) score, as classify gives it
  bool flagged = false;
  // The explained value and its part no span carries, in the chunk(s) explained (for mean: the
  // means over chunks).
  float value = 0.0f;
  float base = 0.0f;
  std::vector<TokenSpan> chunks;  // the chunks explained (one covering the text if not chunked)
  // Every unit with a non-zero contribution, in text order.
  std::vector<SpanContribution> spans;
};

struct Explanation {
  ExplainMethod method = ExplainMethod::kAuto;  // the method used (auto resolved: exact or auto)
  uint32_t chunks = 1;                          // chunks the text was read as
  std::vector<float> scores;                    // every output's score
  std::vector<LabelExplanation> labels;
};

// kInvalidArgument for an empty text or a label index out of range. Thread-safe with one
// scratch per thread.
Result<Explanation> explain(const Model& model, std::string_view text,
                            const ExplainOptions& options, PredictScratch* scratch);

}  // namespace winnow
