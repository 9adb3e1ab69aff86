// Identity-bias audit of a scoring model, with the metrics of the Jigsaw Unintended Bias in
// Toxicity Classification challenge (Borkan et al. 2019, "Nuanced Metrics for Measuring
// Unintended Bias with Real Data for Text Classification"), per label and identity subgroup:
//  - a sample is in subgroup g when its identity value (a rater fraction in [0, 1]; 0/1 for
//    booleans) is >= identity_threshold (0.5); a sample whose value is unknown (not annotated)
//    is outside g, as in the challenge's reference code (NaN >= 0.5 is false), and counted;
//  - Subgroup AUC: ROC-AUC over the samples in g;
//  - BPSN AUC (background positive, subgroup negative): over the positives outside g and the
//    negatives in g; low when the model scores innocent mentions of g above toxic text
//    elsewhere (false positives driven by the identity);
//  - BNSP AUC (background negative, subgroup positive): over the negatives outside g and the
//    positives in g; low when toxic text about g scores below innocent text elsewhere;
//  - final metric = w0 * overall AUC + w1 * M_p(subgroup AUCs) + w2 * M_p(BPSN AUCs)
//    + w3 * M_p(BNSP AUCs), with M_p(m) = (mean of m_s^p)^(1/p), p = -5 and every w = 0.25.
// Every AUC is ScoreRanking::roc_auc (binary_metrics.h: sklearn's roc_auc_score, ties count 1/2).
// A subgroup is averaged into M_p only when it has at least min_subgroup_size samples and all
// three of its AUCs are defined (so the three means are over the same subgroups); every other
// subgroup is still reported, with the reason. An AUC that is undefined (one class absent from
// the samples it is computed on) is nullopt with the reason, never NaN.
// Pure functions over caller-owned data; thread-safe. Cost: O(labels * subgroups * n log n).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "eval/multi_label_metrics.h"

namespace winnow::eval {

// The identity values of `samples()` samples, row-major: sample i's value for identity j is
// values[i * names.size() + j], in [0, 1], or NaN when not annotated.
struct IdentityTable {
  std::vector<std::string> names;
  std::vector<double> values;

  size_t samples() const { return names.empty() ? 0 : values.size() / names.size(); }
};

// OK when there is at least one identity, names are unique and non-empty, values holds a whole
// number of rows and every value is NaN or in [0, 1]; otherwise kInvalidArgument naming the
// sample and identity.
Status check_identity_table(const IdentityTable& identities);

struct BiasAuditOptions {
  uint64_t min_subgroup_size = 100;  // smaller subgroups are reported, not averaged
  double identity_threshold = 0.5;   // in g when value >= this
  double power = -5;                 // p of the generalized mean; finite, not 0
  // Weights of overall AUC, M_p(subgroup), M_p(BPSN), M_p(BNSP); the challenge's 0.25 each.
  double weight_overall = 0.25;
  double weight_subgroup = 0.25;
  double weight_bpsn = 0.25;
  double weight_bnsp = 0.25;
};

// kInvalidArgument naming the option when a value is out of range (threshold not in (0, 1],
// power 0 or not finite, a negative or non-finite weight).
Status check_bias_audit_options(const BiasAuditOptions& options);

// An AUC over some samples, or why there is none ("no positives in the subgroup").
struct AucValue {
  std::optional<double> value;
  std::string undefined_reason;  // empty when value is set
};

struct SubgroupReport {
  std::string name;
  uint64_t size = 0;         // samples in the subgroup
  uint64_t positives = 0;    // of those, positives for the label
  uint64_t unannotated = 0;  // samples whose value for this identity is unknown (outside g)
  AucValue subgroup_auc;
  AucValue bpsn_auc;
  AucValue bnsp_auc;
  bool averaged = false;
  std::string not_averaged_reason;  // empty when averaged
};

struct LabelBiasReport {
  std::string name;
  uint64_t samples = 0;
  uint64_t positives = 0;
  AucValue overall_auc;
  std::vector<SubgroupReport> subgroups;  // in IdentityTable::names order
  uint64_t subgroups_averaged = 0;
  // Generalized means over the averaged subgroups; nullopt when none is averaged.
  std::optional<double> mean_subgroup_auc;
  std::optional<double> mean_bpsn_auc;
  std::optional<double> mean_bnsp_auc;
  std::optional<double> final_metric;  // nullopt when overall AUC or the means are undefined
  std::string final_metric_note;       // why final_metric is nullopt; empty otherwise
};

struct BiasAudit {
  std::string head;  // the model head the labels belong to (may be empty)
  uint64_t samples = 0;
  BiasAuditOptions options;
  std::vector<std::string> identities;
  std::vector<LabelBiasReport> labels;  // in MultiLabelData::label_names order
};

// (mean of values[i]^p)^(1/p). Values must be >= 0 and finite; with p < 0 a 0 gives 0 (the
// limit). Errors: no values, a negative or non-finite value, p 0 or not finite (kInvalidArgument).
Result<double> generalized_mean(std::span<const double> values, double p);

// The audit of one label: scores and truth (0/1) parallel to the identity table's samples.
// Errors: invalid input (check_binary_input, check_identity_table, options), a sample count
// that differs from the identity table's (kInvalidArgument). No samples is not an error: every
// AUC is then undefined.
Result<LabelBiasReport> audit_label(std::string_view name, std::span<const float> scores,
                                    std::span<const uint8_t> truth, const IdentityTable& identities,
                                    const BiasAuditOptions& options);

// audit_label for every label of a multi-label head. Errors: as audit_label, with the label's
// name as context; invalid data (check_multi_label_data).
Result<BiasAudit> audit_bias(const MultiLabelData& data, const IdentityTable& identities,
                             const BiasAuditOptions& options, std::string_view head = {});

}  // namespace winnow::eval
