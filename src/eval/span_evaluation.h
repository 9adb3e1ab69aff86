// Explanations measured against human rationales: the toxic character spans raters marked
// (SemEval-2021 Task 5 "Toxic Spans Detection"; ../shared/data/civil_spans/spans_*.jsonl).
// Each post's predicted spans come from the explanation of one label; the score is the
// task's character-level F1: per post, F1 between the sets of predicted and gold character
// offsets (1 when both are empty, 0 when only one is), averaged over posts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "explain/explanation.h"
#include "model/model.h"

namespace winnow::eval {

// [begin, end) in code points, as the gold files (Python string indices) have them.
using CharSpan = std::pair<uint32_t, uint32_t>;

// One gold line: {"id": "...", "spans": [[start, end], ...]}. Reading fails with
// "file:line: field: problem" for a line that is not such an object (spans must be pairs of
// integers with 0 <= start <= end); blank lines are skipped.
struct SpanGold {
  std::string id;
  std::vector<CharSpan> spans;
};
Result<std::vector<SpanGold>> read_span_gold(const std::string& path);

// Which units of an explanation count as the predicted toxic spans.
// The defaults are the best rule on civil_spans' validation posts for a linear model trained
// on its train split (bench/explain.sh; docs/explanations.md): a model trained on other data
// has its own scale of contributions, so tune min_contribution on held-out spans.
struct SpanRule {
  // Only posts whose explained label is flagged get spans. Off by default: on civil_spans,
  // where most posts are toxic, a word's own contribution is the better detector.
  bool only_flagged = false;
  // A word is predicted toxic when its contribution to the explained value is at least this
  // (logit units) ...
  float min_contribution = 0.15f;
  // ... and at least this share of the post's largest word contribution.
  float min_share_of_max = 0.7f;
};

// The predicted spans of `text` (code points, sorted, merged when only spaces separate them).
std::vector<CharSpan> predicted_spans(std::string_view text, const LabelExplanation& label,
                                      const SpanRule& rule);

// SemEval-2021 Task 5's per-post F1 of character sets.
double span_f1(const std::vector<CharSpan>& predicted, const std::vector<CharSpan>& gold);

struct SpanEvaluation {
  std::string label;  // "head/label" explained
  uint64_t posts = 0;
  uint64_t posts_with_gold = 0;        // posts with at least one gold span
  uint64_t posts_with_prediction = 0;  // posts given at least one span
  double span_f1 = 0.0;                // mean per-post F1
  double precision = 0.0;              // mean per-post precision/recall over posts with both
  double recall = 0.0;                 // sets non-empty (0 posts: 0)
};

struct SpanEvaluationOptions {
  std::string label = "toxicity";  // LABEL or HEAD/LABEL
  SpanRule rule;
  ExplainMethod method = ExplainMethod::kAuto;
  int threads = 0;
};

// Explains `label` for every text and compares with gold[i] (texts.size() == gold.size()).
// kInvalidArgument when the model has no such label or the sizes differ.
Result<SpanEvaluation> evaluate_spans(const Model& model, const std::vector<std::string>& texts,
                                      const std::vector<SpanGold>& gold,
                                      const SpanEvaluationOptions& options);

}  // namespace winnow::eval
