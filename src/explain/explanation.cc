#include "explain/explanation.h"

#include <algorithm>
#include <map>

#include "model/architecture.h"

namespace winnow {
namespace {

// Flagged labels of each head, or its top label when a multi-label head flags none.
std::vector<std::pair<uint32_t, uint32_t>> default_labels(const ModelSpec& spec,
                                                          std::span<const float> scores) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  uint32_t o = 0;
  for (uint32_t h = 0; h < spec.heads.size(); ++h) {
    const HeadSpec& head = spec.heads[h];
    const auto n = static_cast<uint32_t>(head.labels.size());
    const uint32_t top = static_cast<uint32_t>(
        std::max_element(scores.begin() + o, scores.begin() + o + n) - (scores.begin() + o));
    bool any = false;
    if (head.kind == HeadKind::kMultiLabel) {
      for (uint32_t k = 0; k < n; ++k) {
        if (scores[o + k] >= head.thresholds[k]) {
          out.emplace_back(h, k);
          any = true;
        }
      }
    }
    if (!any) out.emplace_back(h, top);
    o += n;
  }
  return out;
}

bool is_flagged(const HeadSpec& head, std::span<const float> head_scores, uint32_t k) {
  if (head.kind == HeadKind::kMultiLabel) return head_scores[k] >= head.thresholds[k];
  return static_cast<size_t>(std::max_element(head_scores.begin(), head_scores.end()) -
                             head_scores.begin()) == k;
}

}  // namespace

Result<Explanation> explain(const Model& model, std::string_view text,
                            const ExplainOptions& options, PredictScratch* scratch) {
  if (text.empty()) return Status::invalid_argument("cannot explain an empty text");
  const ModelSpec& spec = model.spec();
  const size_t n = model.num_outputs();
  for (const auto& [h, k] : options.labels) {
    if (h >= spec.heads.size() || k >= spec.heads[h].labels.size()) {
      return Status::invalid_argument("label index out of range");
    }
  }
  Explanation ex;
  const bool has_extra = model.architecture().append_extra_inputs != nullptr &&
                         model.architecture().extra_inputs(spec) > 0;
  ex.method =
      options.method == ExplainMethod::kAuto && !has_extra ? ExplainMethod::kExact : options.method;
  const ChunkAggregate how = options.aggregate.value_or(spec.chunking.aggregate);
  std::vector<TokenSpan> chunks;
  std::vector<float> chunk_scores;
  model.chunk_scores(text, scratch, &chunks, &chunk_scores);
  ex.chunks = static_cast<uint32_t>(chunks.size());
  ex.scores.resize(n);
  model.predict(text, scratch, ex.scores, how);

  const std::vector<std::pair<uint32_t, uint32_t>> labels =
      options.labels.empty() ? default_labels(spec, ex.scores) : options.labels;

  // Which chunks explain each label, and the outputs each chunk must explain.
  std::vector<ExplainedOutput> outputs;
  std::vector<std::vector<size_t>> label_chunks;
  for (const auto& [h, k] : labels) {
    const HeadSpec& head = spec.heads[h];
    const uint32_t begin = spec.output_offset(h);
    const auto end = static_cast<uint32_t>(begin + head.labels.size());
    outputs.push_back({begin + k, begin, end, head.kind != HeadKind::kMultiLabel});
    std::vector<size_t> use;
    if (how == ChunkAggregate::kMean || chunks.size() == 1) {
      for (size_t c = 0; c < chunks.size(); ++c) use.push_back(c);
    } else {
      size_t best = 0;
      for (size_t c = 1; c < chunks.size(); ++c) {
        // The chunk that gave the label its score: the highest, or for a head's "none" label
        // (HeadSpec::none_label) the lowest.
        const bool lowest = head.kind == HeadKind::kMultiLabel && head.none_label == k;
        const float here = chunk_scores[c * n + begin + k];
        const float kept = chunk_scores[best * n + begin + k];
        if (lowest ? here < kept : here > kept) best = c;
      }
      use.push_back(best);
    }
    label_chunks.push_back(std::move(use));
  }

  std::vector<std::map<std::pair<uint32_t, uint32_t>, SpanContribution>> spans(labels.size());
  std::vector<double> value(labels.size(), 0.0), base(labels.size(), 0.0);
  Attribution a;
  for (size_t c = 0; c < chunks.size(); ++c) {
    // The outputs whose explanation uses chunk c.
    std::vector<ExplainedOutput> here;
    std::vector<size_t> which;
    for (size_t l = 0; l < labels.size(); ++l) {
      if (std::find(label_chunks[l].begin(), label_chunks[l].end(), c) != label_chunks[l].end()) {
        here.push_back(outputs[l]);
        which.push_back(l);
      }
    }
    if (here.empty()) continue;
    const TokenSpan& ch = chunks[c];
    WINNOW_RETURN_IF_ERROR(attribute(model, text.substr(ch.begin, ch.end - ch.begin), here,
                                     ex.method, options.max_occlusions, scratch, &a));
    for (size_t j = 0; j < here.size(); ++j) {
      const size_t l = which[j];
      const double weight = 1.0 / static_cast<double>(label_chunks[l].size());
      value[l] += weight * static_cast<double>(a.value[j]);
      base[l] += weight * static_cast<double>(a.base[j]);
      for (size_t u = 0; u < a.units.size(); ++u) {
        const float contribution = a.contribution[u * here.size() + j];
        if (contribution == 0.0f) continue;
        const uint32_t b = ch.begin + a.units[u].begin, e = ch.begin + a.units[u].end;
        SpanContribution& s = spans[l][{b, e}];
        s.begin = b;
        s.end = e;
        s.word = a.units[u].word;
        s.contribution += static_cast<float>(weight * static_cast<double>(contribution));
      }
    }
  }
  for (size_t l = 0; l < labels.size(); ++l) {
    const auto [h, k] = labels[l];
    const HeadSpec& head = spec.heads[h];
    const std::span<const float> head_scores =
        std::span<const float>(ex.scores).subspan(spec.output_offset(h), head.labels.size());
    LabelExplanation le;
    le.head = h;
    le.label = k;
    le.score = head_scores[k];
    le.flagged = is_flagged(head, head_scores, k);
    le.value = static_cast<float>(value[l]);
    le.base = static_cast<float>(base[l]);
    for (size_t c : label_chunks[l]) le.chunks.push_back(chunks[c]);
    for (const auto& [range, s] : spans[l]) le.spans.push_back(s);
    ex.labels.push_back(std::move(le));
  }
  return ex;
}

}  // namespace winnow
