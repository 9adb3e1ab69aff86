// Evaluating a trained model on labeled classifier JSONL (`winnow eval`, and the service's model
// metrics): every sample is scored with the model, then each head is measured on the samples
// that carry it, with the conventions of binary_metrics.h.
//  - Multi-label heads (sigmoid or normalized scores): per label ROC-AUC, average precision and
//    precision / recall / F1 at the threshold stored in the model (flagged when
//    score >= threshold); macro and micro averages (multi_label_metrics.h).
//  - Single-label heads: the prediction is the top-scoring label (the lowest index among equal
//    top scores), as `winnow classify --flags` does; accuracy, per-class P/R/F1, macro F1 and the
//    confusion matrix (single_label_metrics.h).
// A sample that leaves a head out does not count for that head. A head, or a label, of the file
// that the model does not know is an error naming file:line:field.
// With identity columns (EvaluateOptions), each multi-label head also gets an identity-bias
// audit (bias_audit.h) from the samples' `metadata.identity` values (data/identity_metadata.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "eval/bias_audit.h"
#include "eval/multi_label_metrics.h"
#include "eval/single_label_metrics.h"
#include "model/model.h"

namespace winnow::eval {

struct EvaluateOptions {
  int threads = 0;              // scoring threads; 0 = all hardware threads
  size_t batch_samples = 4096;  // samples read, then scored together (memory: their texts)
  // Identities to audit: these names, or with all_identities every key of the files'
  // metadata.identity objects (first-appearance order). Neither: no audit.
  std::vector<std::string> identity_columns;
  bool all_identities = false;
  BiasAuditOptions bias;
};

struct HeadEvaluation {
  std::string name;
  HeadKind kind = HeadKind::kSingleLabel;
  uint64_t samples = 0;  // samples of the files that carry this head
  // Multi-label heads with samples: the scores and truth the report was computed from (for
  // curves) and the report. Single-label heads with samples: the report. A head no sample
  // carries has neither.
  MultiLabelData data;
  std::optional<MultiLabelReport> multi_label;
  std::optional<SingleLabelReport> single_label;
  // With identity columns: the identity values parallel to `data`'s samples, and the audit of
  // a multi-label head with samples.
  IdentityTable identities;
  std::optional<BiasAudit> bias_audit;
};

struct ModelEvaluation {
  uint64_t samples = 0;                       // samples read (blank lines are not samples)
  std::vector<HeadEvaluation> heads;          // every head of the model, in model order
  std::vector<std::string> identity_columns;  // audited identities (empty: no audit)
};

// Reads `paths` (classifier JSONL, plain or .gz) and evaluates `model` on them. Holds the scores
// of every sample (4 bytes per label) and the texts of one batch. Errors: unreadable files
// (kNotFound / kIoError / kCorruption with the path); a bad line, or a head or label unknown to
// the model, or a list of labels for a single-label head (kInvalidArgument,
// "file:line: labels.<head>[i]: ..."); no samples in the files (kInvalidArgument). With identity
// columns also (kInvalidArgument): a sample without a metadata.identity object or with a bad
// value ("file:line: metadata.identity.male: ..."); identity columns no sample has (all named,
// with the identities the files do have); "all" on files without identities; bad bias options.
Result<ModelEvaluation> evaluate_model(const Model& model, const std::vector<std::string>& paths,
                                       const EvaluateOptions& options);

// The identities of an audit of "every identity the files carry" (what training audits its
// validation files on, and `winnow eval --identity-columns all`): every metadata.identity key
// of the files, in first-appearance order; empty when no sample has a metadata.identity
// object. Lines that are not valid classifier JSONL are passed over (the caller's reader judges
// them). Checks up front what evaluate_model would refuse about the identities, so that a
// caller can refuse the files before any work (kInvalidArgument, "file:line: ..."): a value that
// is not a number in [0, 1], a boolean or null; a sample without metadata.identity when others
// have it (the first such line is named). Unreadable files as evaluate_model.
Result<std::vector<std::string>> identities_in_files(const std::vector<std::string>& paths);

// {"samples": N, "heads": [the metrics_json.h report of each head with samples, in model order],
//  "heads_without_samples": [names of heads no sample carries]}, and with identity columns
//  "bias_audit": [the bias_audit_json.h audit of each multi-label head with samples].
nlohmann::json to_json(const ModelEvaluation& evaluation);

// {"<head>/<label>": {"roc": <curve>, "pr": <curve>}} (metrics_json.h curve form, at most
// max_points points each) for every label of a multi-label head; a curve that is undefined for
// the data (ROC with one class present, PR with no positives) is null.
// Errors: max_points < 2 (kInvalidArgument).
Result<nlohmann::json> curves_json(const ModelEvaluation& evaluation, size_t max_points);

}  // namespace winnow::eval
