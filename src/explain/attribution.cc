#include "explain/attribution.h"

#include <algorithm>
#include <string>

#include "model/architecture.h"

namespace winnow {
namespace {

// Occluded texts scored per batch: bounds memory for long texts, and lets an encoder batch.
constexpr size_t kOcclusionBatch = 32;

// The explained values of `outputs` given a row of logits.
void explained_values(std::span<const float> logits, std::span<const ExplainedOutput> outputs,
                      float* out) {
  for (size_t k = 0; k < outputs.size(); ++k) {
    const ExplainedOutput& e = outputs[k];
    float v = logits[e.output];
    if (e.centered) {
      double mean = 0.0;
      for (uint32_t o = e.head_begin; o < e.head_end; ++o) mean += static_cast<double>(logits[o]);
      v -= static_cast<float>(mean / (e.head_end - e.head_begin));
    }
    out[k] = v;
  }
}

// What the architecture's extra inputs (after the hash buckets) add to each output's logits,
// for a batch of texts: texts.size() x num_outputs into *out.
void extra_logits(const Model& model, std::span<const std::string_view> texts,
                  PredictScratch* scratch, std::vector<std::vector<Feature>>* inputs,
                  std::vector<float>* out) {
  const size_t n = model.num_outputs();
  inputs->resize(texts.size());
  std::vector<std::vector<Feature>*> outs;
  for (auto& v : *inputs) {
    v.clear();
    outs.push_back(&v);
  }
  model.architecture().append_extra_inputs(model.spec(), model.runtime(), texts, scratch, outs);
  out->assign(texts.size() * n, 0.0f);
  const float* w = model.weights().data();
  for (size_t t = 0; t < texts.size(); ++t) {
    float* row_out = out->data() + t * n;
    for (const Feature& f : (*inputs)[t]) {
      const float* row = w + static_cast<size_t>(f.key) * n;
      for (size_t o = 0; o < n; ++o) row_out[o] += f.value * row[o];
    }
  }
}

// Units of `text` grouped into at most `max_groups` runs of neighbours: group g is units
// [first[g], first[g + 1]).
std::vector<size_t> group_units(size_t units, size_t max_groups) {
  std::vector<size_t> first;
  const size_t groups = std::min(units, max_groups);
  for (size_t g = 0; g <= groups; ++g) first.push_back(groups == 0 ? 0 : g * units / groups);
  return first;
}

// Occlusion: for each group, the explained values of the text with the group's units blanked,
// through `values_of` (a batch of texts -> texts.size() x outputs.size() values).
template <typename ValuesOf>
std::vector<float> occluded_values(std::string_view text, const std::vector<TextUnit>& units,
                                   const std::vector<size_t>& first, size_t outputs,
                                   ValuesOf&& values_of) {
  const size_t groups = first.size() - 1;
  std::vector<float> values(groups * outputs);
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  for (size_t b = 0; b < groups; b += kOcclusionBatch) {
    const size_t m = std::min(kOcclusionBatch, groups - b);
    texts.assign(m, std::string(text));
    views.clear();
    for (size_t i = 0; i < m; ++i) {
      for (size_t u = first[b + i]; u < first[b + i + 1]; ++u) {
        std::fill(texts[i].begin() + units[u].begin, texts[i].begin() + units[u].end, ' ');
      }
      views.push_back(texts[i]);
    }
    values_of(std::span<const std::string_view>(views), values.data() + b * outputs);
  }
  return values;
}

// The exact n-gram contributions into out->contribution (units x outputs).
void exact_ngrams(const Model& model, std::string_view text,
                  std::span<const ExplainedOutput> outputs, PredictScratch* scratch,
                  Attribution* out) {
  std::vector<Feature> features;
  std::vector<FeatureOccurrence> occurrences;
  model.hasher().extract_traced(text, &scratch->hashing, &features, &occurrences);
  std::vector<float> weights;
  feature_weights(features, model.idf(), model.spec().weighting, &weights);
  std::vector<uint32_t> seen(features.size(), 0);
  for (const FeatureOccurrence& o : occurrences) ++seen[o.feature];

  // The unit of each byte (or -1 for spaces) and each occurrence's visible bytes.
  std::vector<int32_t> unit_of(text.size(), -1);
  for (size_t u = 0; u < out->units.size(); ++u) {
    for (uint32_t b = out->units[u].begin; b < out->units[u].end; ++b) {
      unit_of[b] = static_cast<int32_t>(u);
    }
  }
  const size_t n = model.num_outputs();
  const size_t k_out = outputs.size();
  const float* w = model.weights().data();
  std::vector<float> part(k_out);
  for (const FeatureOccurrence& o : occurrences) {
    const float weight = weights[o.feature];
    if (weight == 0.0f) continue;
    const float* row = w + static_cast<size_t>(feature_bucket(features[o.feature].key)) * n;
    explained_values(std::span<const float>(row, n), outputs, part.data());
    uint32_t visible = 0;
    for (uint32_t b = o.begin; b < o.end; ++b) visible += unit_of[b] >= 0;
    if (visible == 0) continue;
    const float share = weight / static_cast<float>(seen[o.feature] * visible);
    for (uint32_t b = o.begin; b < o.end; ++b) {
      if (unit_of[b] < 0) continue;
      float* c = out->contribution.data() + static_cast<size_t>(unit_of[b]) * k_out;
      for (size_t k = 0; k < k_out; ++k) c[k] += share * part[k];
    }
  }
}

}  // namespace

std::string_view explain_method_name(ExplainMethod m) {
  switch (m) {
    case ExplainMethod::kAuto:
      return "auto";
    case ExplainMethod::kExact:
      return "exact";
    case ExplainMethod::kOcclusion:
      return "occlusion";
  }
  return "auto";
}

Result<ExplainMethod> parse_explain_method(std::string_view name) {
  for (ExplainMethod m : {ExplainMethod::kAuto, ExplainMethod::kExact, ExplainMethod::kOcclusion}) {
    if (explain_method_name(m) == name) return m;
  }
  return Status::invalid_argument("unknown explanation method '" + std::string(name) +
                                  "' (known: auto, exact, occlusion)");
}

Status attribute(const Model& model, std::string_view text,
                 std::span<const ExplainedOutput> outputs, ExplainMethod method,
                 size_t max_occlusions, PredictScratch* scratch, Attribution* out) {
  if (max_occlusions == 0) return Status::invalid_argument("max_occlusions must be > 0");
  const size_t n = model.num_outputs();
  const size_t k_out = outputs.size();
  text_units(text, &scratch->hashing, &out->units);
  out->value.assign(k_out, 0.0f);
  out->base.assign(k_out, 0.0f);

  std::vector<float> logits(n);
  model.logits_batch(std::span(&text, 1), scratch, logits);
  explained_values(logits, outputs, out->value.data());

  const bool has_extra = model.architecture().append_extra_inputs != nullptr &&
                         model.architecture().extra_inputs(model.spec()) > 0;
  if (method == ExplainMethod::kOcclusion) {
    const std::vector<size_t> first = group_units(out->units.size(), max_occlusions);
    std::vector<float> batch_logits;
    const std::vector<float> occluded =
        occluded_values(text, out->units, first, k_out,
                        [&](std::span<const std::string_view> texts, float* values) {
                          batch_logits.resize(texts.size() * n);
                          model.logits_batch(texts, scratch, batch_logits);
                          for (size_t t = 0; t < texts.size(); ++t) {
                            explained_values(std::span<const float>(batch_logits).subspan(t * n, n),
                                             outputs, values + t * k_out);
                          }
                        });
    // Groups become the units.
    std::vector<TextUnit> grouped;
    const size_t groups = first.size() - 1;
    out->contribution.assign(groups * k_out, 0.0f);
    for (size_t g = 0; g < groups; ++g) {
      TextUnit u{out->units[first[g]].begin, out->units[first[g + 1] - 1].end, false};
      for (size_t i = first[g]; i < first[g + 1]; ++i) u.word = u.word || out->units[i].word;
      grouped.push_back(u);
      for (size_t k = 0; k < k_out; ++k) {
        out->contribution[g * k_out + k] = out->value[k] - occluded[g * k_out + k];
      }
    }
    out->units = std::move(grouped);
  } else {
    out->contribution.assign(out->units.size() * k_out, 0.0f);
    exact_ngrams(model, text, outputs, scratch, out);
    if (method == ExplainMethod::kAuto && has_extra && !out->units.empty()) {
      // The extra block's part of each value, whole and with each group of units occluded;
      // a group's difference is shared evenly by its units.
      std::vector<std::vector<Feature>> inputs;
      std::vector<float> extra;
      auto extra_values = [&](std::span<const std::string_view> texts, float* values) {
        extra_logits(model, texts, scratch, &inputs, &extra);
        for (size_t t = 0; t < texts.size(); ++t) {
          explained_values(std::span<const float>(extra).subspan(t * n, n), outputs,
                           values + t * k_out);
        }
      };
      std::vector<float> whole(k_out);
      extra_values(std::span(&text, 1), whole.data());
      const std::vector<size_t> first = group_units(out->units.size(), max_occlusions);
      const std::vector<float> occluded =
          occluded_values(text, out->units, first, k_out, extra_values);
      for (size_t g = 0; g + 1 < first.size(); ++g) {
        const auto size = static_cast<float>(first[g + 1] - first[g]);
        for (size_t u = first[g]; u < first[g + 1]; ++u) {
          for (size_t k = 0; k < k_out; ++k) {
            out->contribution[u * k_out + k] += (whole[k] - occluded[g * k_out + k]) / size;
          }
        }
      }
    }
  }
  for (size_t k = 0; k < k_out; ++k) {
    double sum = 0.0;
    for (size_t u = 0; u < out->units.size(); ++u) {
      sum += static_cast<double>(out->contribution[u * k_out + k]);
    }
    out->base[k] = static_cast<float>(static_cast<double>(out->value[k]) - sum);
  }
  return Status::ok();
}

}  // namespace winnow
