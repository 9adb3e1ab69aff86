#include "eval/model_evaluation.h"

#include <algorithm>
#include <string_view>

#include "core/worker_team.h"
#include "data/byte_source.h"
#include "data/classifier_jsonl.h"
#include "data/identity_metadata.h"
#include "eval/bias_audit_json.h"
#include "eval/metrics_json.h"

namespace winnow::eval {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += "'" + n + "'";
  }
  return out;
}

// What one sample says about one head of the model: nothing (head left out), or its labels as
// indices into the head's labels.
struct SampleTruth {
  std::vector<int32_t> label_of_head;               // single-label heads: class, or -1 if absent
  std::vector<std::vector<uint32_t>> multi_labels;  // multi-label heads: gold labels
  std::vector<uint8_t> has_head;
};

// Maps a parsed sample's labels onto the model's heads. Errors name the field.
Status map_labels(const ClassifierSample& sample, const ModelSpec& spec, SampleTruth* truth) {
  const size_t heads = spec.heads.size();
  truth->label_of_head.assign(heads, -1);
  truth->multi_labels.resize(heads);
  for (auto& v : truth->multi_labels) v.clear();
  truth->has_head.assign(heads, 0);
  for (const ClassifierSample::HeadValue& hv : sample.labels) {
    const std::string field = "labels." + hv.head;
    size_t h = 0;
    while (h < heads && spec.heads[h].name != hv.head) ++h;
    if (h == heads) {
      std::vector<std::string> names;
      for (const HeadSpec& hs : spec.heads) names.push_back(hs.name);
      return Status::invalid_argument(field + ": head '" + hv.head +
                                      "' is not in the model (its heads: " + join_names(names) +
                                      ")");
    }
    const HeadSpec& head = spec.heads[h];
    if (head.kind == HeadKind::kSingleLabel && hv.labels.size() != 1) {
      return Status::invalid_argument(field + ": the model's head '" + head.name +
                                      "' is single-label; expected one label, got a list of " +
                                      std::to_string(hv.labels.size()));
    }
    truth->has_head[h] = 1;
    for (size_t i = 0; i < hv.labels.size(); ++i) {
      const auto it = std::find(head.labels.begin(), head.labels.end(), hv.labels[i]);
      if (it == head.labels.end()) {
        return Status::invalid_argument(
            (hv.is_list ? field + "[" + std::to_string(i) + "]" : field) + ": label '" +
            hv.labels[i] + "' is not in the model's head '" + head.name +
            "' (its labels: " + join_names(head.labels) + ")");
      }
      const uint32_t k = static_cast<uint32_t>(it - head.labels.begin());
      if (head.kind == HeadKind::kSingleLabel) {
        truth->label_of_head[h] = static_cast<int32_t>(k);
      } else {
        truth->multi_labels[h].push_back(k);
      }
    }
  }
  return Status::ok();
}

// Scores and truth per head, appended batch by batch.
struct HeadAccumulator {
  MultiLabelData multi;                                  // multi-label heads
  std::vector<uint32_t> single_truth, single_predicted;  // single-label heads
  std::vector<double> identity_values;                   // multi-label heads, with identities
  uint64_t samples = 0;
};

std::string files_name(const std::vector<std::string>& paths) {
  return paths.size() == 1 ? paths[0] : std::string("the files");
}

// Calls fn(line) for every non-blank line of the files, in order; an error fn returns gets the
// file and line as context ("file:line: ...") and stops the walk.
template <typename Fn>
Status for_each_sample_line(const std::vector<std::string>& paths, Fn&& fn) {
  for (const std::string& path : paths) {
    WINNOW_ASSIGN_OR_RETURN(auto source, open_byte_source(path));
    LineReader reader(std::move(source));
    std::string_view line;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(const bool more, reader.next(&line));
      if (!more) break;
      if (is_blank_line(line)) continue;
      Status st = fn(line);
      if (!st.is_ok()) return st.with_context(path + ":" + std::to_string(reader.line_number()));
    }
  }
  return Status::ok();
}

// Every metadata.identity key of the files, in first-appearance order.
Result<std::vector<std::string>> identity_keys_of(const std::vector<std::string>& paths) {
  std::vector<std::string> keys;
  WINNOW_RETURN_IF_ERROR(for_each_sample_line(
      paths, [&](std::string_view line) { return collect_identity_keys(line, &keys); }));
  return keys;
}

// The identities to audit (see EvaluateOptions); empty when there is no audit.
Result<std::vector<std::string>> resolve_identities(const std::vector<std::string>& paths,
                                                    const EvaluateOptions& options) {
  if (!options.all_identities) return options.identity_columns;
  WINNOW_ASSIGN_OR_RETURN(std::vector<std::string> keys, identity_keys_of(paths));
  if (keys.empty()) {
    return Status::invalid_argument(
        files_name(paths) +
        ": no sample has identity values (metadata.identity); write them with 'winnow prepare "
        "--identity-columns'");
  }
  return keys;
}

}  // namespace

Result<std::vector<std::string>> identities_in_files(const std::vector<std::string>& paths) {
  std::vector<std::string> keys;
  uint64_t with = 0, without = 0;
  ClassifierSample sample;
  Status scanned = for_each_sample_line(paths, [&](std::string_view line) -> Status {
    if (!parse_classifier_line(line, &sample).is_ok()) return Status::ok();
    bool present = false;
    Status st = collect_identity_keys(line, &keys, &present);
    ++(present ? with : without);
    return st;
  });
  if (!scanned.is_ok()) return scanned;
  if (with == 0 || without == 0) return keys;
  // Mixed: a second walk names the first sample without identities (only on this error path).
  Status missing = for_each_sample_line(paths, [&](std::string_view line) -> Status {
    if (!parse_classifier_line(line, &sample).is_ok()) return Status::ok();
    bool present = false;
    Status st = collect_identity_keys(line, &keys, &present);
    if (!st.is_ok() || present) return st;
    return Status::invalid_argument(
        "metadata.identity: missing, while " + std::to_string(with) + " of the " +
        std::to_string(with + without) +
        " samples have one (every sample needs identity values for the bias audit; 'winnow "
        "prepare --identity-columns' writes them, null where not annotated)");
  });
  if (!missing.is_ok()) return missing;
  return keys;
}

Result<ModelEvaluation> evaluate_model(const Model& model, const std::vector<std::string>& paths,
                                       const EvaluateOptions& options) {
  const ModelSpec& spec = model.spec();
  const uint32_t outputs = model.num_outputs();
  WINNOW_ASSIGN_OR_RETURN(const std::vector<std::string> identity_names,
                          resolve_identities(paths, options));
  const size_t identity_count = identity_names.size();
  if (identity_count > 0) WINNOW_RETURN_IF_ERROR(check_bias_audit_options(options.bias));
  std::vector<HeadAccumulator> acc(spec.heads.size());
  for (size_t h = 0; h < spec.heads.size(); ++h) acc[h].multi.label_names = spec.heads[h].labels;

  WorkerTeam team(resolve_thread_count(options.threads));
  const size_t batch_limit = std::max<size_t>(1, options.batch_samples);
  std::vector<std::string> texts;
  std::vector<SampleTruth> truths(batch_limit);
  std::vector<double> batch_identities(batch_limit * identity_count);
  std::vector<double> sample_identities;
  std::vector<uint8_t> identity_seen(identity_count, 0);
  std::vector<float> scores;
  std::vector<PredictScratch> scratch(static_cast<size_t>(team.size()));
  size_t batch = 0;
  uint64_t samples = 0;

  // Scores the batch in parallel, then files each sample's scores under the heads it carries.
  auto flush = [&] {
    scores.assign(batch * outputs, 0.0f);
    team.run_ranges(batch, [&](size_t begin, size_t end, int member) {
      // 32 texts per model call: an encoder embeds them together.
      std::vector<std::string_view> views;
      for (size_t i = begin; i < end; i += 32) {
        const size_t m = std::min<size_t>(32, end - i);
        views.assign(texts.begin() + static_cast<std::ptrdiff_t>(i),
                     texts.begin() + static_cast<std::ptrdiff_t>(i + m));
        model.predict_batch(views, &scratch[static_cast<size_t>(member)],
                            std::span<float>(scores.data() + i * outputs, m * outputs));
      }
    });
    for (size_t i = 0; i < batch; ++i) {
      const SampleTruth& t = truths[i];
      for (size_t h = 0; h < spec.heads.size(); ++h) {
        if (!t.has_head[h]) continue;
        const HeadSpec& head = spec.heads[h];
        const float* s = scores.data() + i * outputs + spec.output_offset(h);
        const size_t k = head.labels.size();
        HeadAccumulator& a = acc[h];
        ++a.samples;
        if (head.kind == HeadKind::kSingleLabel) {
          a.single_truth.push_back(static_cast<uint32_t>(t.label_of_head[h]));
          // The top score, lowest index among equals (argmax_classes' and classify's rule).
          a.single_predicted.push_back(static_cast<uint32_t>(std::max_element(s, s + k) - s));
        } else {
          a.multi.scores.insert(a.multi.scores.end(), s, s + k);
          const size_t row = a.multi.truth.size();
          a.multi.truth.resize(row + k, 0);
          for (uint32_t label : t.multi_labels[h]) a.multi.truth[row + label] = 1;
          const double* v = batch_identities.data() + i * identity_count;
          a.identity_values.insert(a.identity_values.end(), v, v + identity_count);
        }
      }
    }
    batch = 0;
  };

  ClassifierSample sample;
  WINNOW_RETURN_IF_ERROR(for_each_sample_line(paths, [&](std::string_view line) -> Status {
    Status st = parse_classifier_line(line, &sample);
    if (st.is_ok()) st = map_labels(sample, spec, &truths[batch]);
    if (st.is_ok() && identity_count > 0) {
      bool present = false;
      st = read_identity_metadata(line, identity_names, &sample_identities, &present,
                                  &identity_seen);
      if (st.is_ok() && !present) {
        st = Status::invalid_argument(
            "metadata.identity: missing (every sample needs identity values for the bias "
            "audit; 'winnow prepare --identity-columns' writes them, null where not "
            "annotated)");
      }
      std::copy(sample_identities.begin(), sample_identities.end(),
                batch_identities.begin() + static_cast<std::ptrdiff_t>(batch * identity_count));
    }
    if (!st.is_ok()) return st;
    if (texts.size() <= batch) texts.resize(batch + 1);
    texts[batch] = sample_text(sample);
    ++batch;
    ++samples;
    if (batch == batch_limit) flush();
    return Status::ok();
  }));
  if (batch > 0) flush();
  if (samples == 0) return Status::invalid_argument(files_name(paths) + ": no samples");
  std::vector<std::string> unseen;
  for (size_t j = 0; j < identity_count; ++j) {
    if (!identity_seen[j]) unseen.push_back(identity_names[j]);
  }
  if (!unseen.empty()) {
    WINNOW_ASSIGN_OR_RETURN(const std::vector<std::string> keys, identity_keys_of(paths));
    return Status::invalid_argument(files_name(paths) + ": no sample has identit" +
                                    (unseen.size() > 1 ? "ies " : "y ") + join_names(unseen) +
                                    " in metadata.identity (" +
                                    (keys.empty() ? std::string("the samples have no identities")
                                                  : "identities in the file: " + join_names(keys)) +
                                    ")");
  }

  ModelEvaluation evaluation;
  evaluation.samples = samples;
  evaluation.identity_columns = identity_names;
  for (size_t h = 0; h < spec.heads.size(); ++h) {
    const HeadSpec& head = spec.heads[h];
    HeadEvaluation e;
    e.name = head.name;
    e.kind = head.kind;
    e.samples = acc[h].samples;
    if (e.samples > 0) {
      if (head.kind == HeadKind::kSingleLabel) {
        Result<SingleLabelReport> r =
            evaluate_single_label(head.labels, acc[h].single_truth, acc[h].single_predicted);
        if (!r.is_ok()) return r.status().with_context("head '" + head.name + "'");
        e.single_label = std::move(r).value();
      } else {
        e.data = std::move(acc[h].multi);
        Result<MultiLabelReport> r = evaluate_multi_label(e.data, head.thresholds);
        if (!r.is_ok()) return r.status().with_context("head '" + head.name + "'");
        e.multi_label = std::move(r).value();
        if (identity_count > 0) {
          e.identities.names = identity_names;
          e.identities.values = std::move(acc[h].identity_values);
          Result<BiasAudit> audit = audit_bias(e.data, e.identities, options.bias, head.name);
          if (!audit.is_ok()) return audit.status().with_context("head '" + head.name + "'");
          e.bias_audit = std::move(audit).value();
        }
      }
    }
    evaluation.heads.push_back(std::move(e));
  }
  return evaluation;
}

nlohmann::json to_json(const ModelEvaluation& evaluation) {
  nlohmann::json heads = nlohmann::json::array();
  nlohmann::json without = nlohmann::json::array();
  for (const HeadEvaluation& h : evaluation.heads) {
    if (h.multi_label) {
      heads.push_back(to_json(*h.multi_label, h.name));
    } else if (h.single_label) {
      heads.push_back(to_json(*h.single_label, h.name));
    } else {
      without.push_back(h.name);
    }
  }
  nlohmann::json out = {{"samples", evaluation.samples},
                        {"heads", std::move(heads)},
                        {"heads_without_samples", std::move(without)}};
  if (!evaluation.identity_columns.empty()) {
    nlohmann::json audits = nlohmann::json::array();
    for (const HeadEvaluation& h : evaluation.heads) {
      if (h.bias_audit) audits.push_back(to_json(*h.bias_audit));
    }
    out["bias_audit"] = std::move(audits);
  }
  return out;
}

Result<nlohmann::json> curves_json(const ModelEvaluation& evaluation, size_t max_points) {
  if (max_points < 2) return Status::invalid_argument("curves need at least 2 points");
  nlohmann::json out = nlohmann::json::object();
  for (const HeadEvaluation& h : evaluation.heads) {
    if (!h.multi_label) continue;
    for (size_t k = 0; k < h.data.label_names.size(); ++k) {
      WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking,
                              ScoreRanking::build(h.data.label_scores(k), h.data.label_truth(k)));
      nlohmann::json entry = {{"roc", nullptr}, {"pr", nullptr}};
      if (auto roc = ranking.roc_curve(max_points); roc.is_ok()) {
        entry["roc"] = to_json(std::span<const RocPoint>(*roc));
      }
      if (auto pr = ranking.pr_curve(max_points); pr.is_ok()) {
        entry["pr"] = to_json(std::span<const PrPoint>(*pr));
      }
      out[h.name + "/" + h.data.label_names[k]] = std::move(entry);
    }
  }
  return out;
}

}  // namespace winnow::eval
