#include "eval/bias_audit.h"

#include <cmath>
#include <unordered_set>
#include <utility>

#include "eval/binary_metrics.h"

namespace winnow::eval {
namespace {

// Which samples an AUC is computed on, relative to a subgroup g.
enum class AucSubset { kSubgroup, kBpsn, kBnsp };

bool in_subset(AucSubset subset, bool in_group, bool positive) {
  switch (subset) {
    case AucSubset::kSubgroup:
      return in_group;
    case AucSubset::kBpsn:
      return in_group != positive;  // background positives, subgroup negatives
    case AucSubset::kBnsp:
      return in_group == positive;  // background negatives, subgroup positives
  }
  return false;
}

// Why the AUC of `subset` is undefined given the class counts in and outside the subgroup, or
// empty when it is defined.
std::string undefined_reason(AucSubset subset, uint64_t in_pos, uint64_t in_neg, uint64_t out_pos,
                             uint64_t out_neg) {
  switch (subset) {
    case AucSubset::kSubgroup:
      if (in_pos + in_neg == 0) return "the subgroup is empty";
      if (in_pos == 0) return "no positives in the subgroup";
      if (in_neg == 0) return "no negatives in the subgroup";
      return {};
    case AucSubset::kBpsn:
      if (in_neg == 0) return "no negatives in the subgroup";
      if (out_pos == 0) return "no positives outside the subgroup";
      return {};
    case AucSubset::kBnsp:
      if (in_pos == 0) return "no positives in the subgroup";
      if (out_neg == 0) return "no negatives outside the subgroup";
      return {};
  }
  return {};
}

// ROC-AUC over the samples of `subset`; scratch vectors are reused across calls.
Result<AucValue> subset_auc(AucSubset subset, std::span<const float> scores,
                            std::span<const uint8_t> truth, const std::vector<uint8_t>& in_group,
                            uint64_t in_pos, uint64_t in_neg, uint64_t out_pos, uint64_t out_neg,
                            std::vector<float>* s, std::vector<uint8_t>* y) {
  AucValue out;
  out.undefined_reason = undefined_reason(subset, in_pos, in_neg, out_pos, out_neg);
  if (!out.undefined_reason.empty()) return out;
  s->clear();
  y->clear();
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!in_subset(subset, in_group[i] != 0, truth[i] != 0)) continue;
    s->push_back(scores[i]);
    y->push_back(truth[i]);
  }
  WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking, ScoreRanking::build(*s, *y));
  WINNOW_ASSIGN_OR_RETURN(out.value, ranking.roc_auc());
  return out;
}

}  // namespace

Status check_identity_table(const IdentityTable& identities) {
  const size_t k = identities.names.size();
  if (k == 0) return Status::invalid_argument("no identity columns");
  std::unordered_set<std::string> seen;
  for (const std::string& name : identities.names) {
    if (name.empty()) return Status::invalid_argument("an identity column name is empty");
    if (!seen.insert(name).second) {
      return Status::invalid_argument("identity column '" + name + "' is given twice");
    }
  }
  if (identities.values.size() % k != 0) {
    return Status::invalid_argument(std::to_string(identities.values.size()) +
                                    " identity values is not a multiple of " + std::to_string(k) +
                                    " identity columns");
  }
  for (size_t i = 0; i < identities.values.size(); ++i) {
    const double v = identities.values[i];
    if (std::isnan(v) || (v >= 0 && v <= 1)) continue;
    return Status::invalid_argument("sample " + std::to_string(i / k) + ", identity '" +
                                    identities.names[i % k] + "': value " + std::to_string(v) +
                                    " is not in [0, 1]");
  }
  return Status::ok();
}

Status check_bias_audit_options(const BiasAuditOptions& o) {
  if (!(o.identity_threshold > 0 && o.identity_threshold <= 1)) {
    return Status::invalid_argument("identity threshold must be in (0, 1]");
  }
  if (!std::isfinite(o.power) || o.power == 0) {
    return Status::invalid_argument("the generalized mean's power must be finite and not 0");
  }
  for (double w : {o.weight_overall, o.weight_subgroup, o.weight_bpsn, o.weight_bnsp}) {
    if (!std::isfinite(w) || w < 0) {
      return Status::invalid_argument("the final metric's weights must be finite and >= 0");
    }
  }
  return Status::ok();
}

Result<double> generalized_mean(std::span<const double> values, double p) {
  if (values.empty()) return Status::invalid_argument("generalized mean of no values");
  if (!std::isfinite(p) || p == 0) {
    return Status::invalid_argument("generalized mean: power must be finite and not 0");
  }
  double sum = 0;
  for (double v : values) {
    if (!std::isfinite(v) || v < 0) {
      return Status::invalid_argument("generalized mean: value " + std::to_string(v) +
                                      " is negative or not finite");
    }
    // 0^p is infinite for p < 0, so the mean's p-th root is 0.
    if (v == 0 && p < 0) return 0.0;
    sum += std::pow(v, p);
  }
  return std::pow(sum / static_cast<double>(values.size()), 1 / p);
}

Result<LabelBiasReport> audit_label(std::string_view name, std::span<const float> scores,
                                    std::span<const uint8_t> truth, const IdentityTable& identities,
                                    const BiasAuditOptions& options) {
  WINNOW_RETURN_IF_ERROR(check_bias_audit_options(options));
  WINNOW_RETURN_IF_ERROR(check_binary_input(scores, truth));
  WINNOW_RETURN_IF_ERROR(check_identity_table(identities));
  const size_t n = scores.size();
  if (identities.samples() != n) {
    return Status::invalid_argument(std::to_string(n) + " samples of scores but " +
                                    std::to_string(identities.samples()) +
                                    " samples of identity values");
  }
  LabelBiasReport report;
  report.name = std::string(name);
  report.samples = n;
  for (uint8_t t : truth) report.positives += t;
  const uint64_t all_pos = report.positives;
  const uint64_t all_neg = n - all_pos;
  report.overall_auc.undefined_reason = n == 0         ? "no samples"
                                        : all_pos == 0 ? "no positives"
                                        : all_neg == 0 ? "no negatives"
                                                       : "";
  if (report.overall_auc.undefined_reason.empty()) {
    WINNOW_ASSIGN_OR_RETURN(report.overall_auc.value, roc_auc(scores, truth));
  }

  const size_t k = identities.names.size();
  std::vector<uint8_t> in_group(n);
  std::vector<float> s_scratch;
  std::vector<uint8_t> y_scratch;
  std::vector<double> subgroup_aucs, bpsn_aucs, bnsp_aucs;
  for (size_t j = 0; j < k; ++j) {
    SubgroupReport g;
    g.name = identities.names[j];
    for (size_t i = 0; i < n; ++i) {
      const double v = identities.values[i * k + j];
      if (std::isnan(v)) ++g.unannotated;
      in_group[i] = v >= options.identity_threshold ? 1 : 0;  // false for NaN
      g.size += in_group[i];
      g.positives += in_group[i] & truth[i];
    }
    const uint64_t in_pos = g.positives, in_neg = g.size - g.positives;
    const uint64_t out_pos = all_pos - in_pos, out_neg = all_neg - in_neg;
    auto auc = [&](AucSubset subset) {
      return subset_auc(subset, scores, truth, in_group, in_pos, in_neg, out_pos, out_neg,
                        &s_scratch, &y_scratch);
    };
    WINNOW_ASSIGN_OR_RETURN(g.subgroup_auc, auc(AucSubset::kSubgroup));
    WINNOW_ASSIGN_OR_RETURN(g.bpsn_auc, auc(AucSubset::kBpsn));
    WINNOW_ASSIGN_OR_RETURN(g.bnsp_auc, auc(AucSubset::kBnsp));
    if (g.size < options.min_subgroup_size) {
      g.not_averaged_reason = "size " + std::to_string(g.size) + " is under the minimum " +
                              std::to_string(options.min_subgroup_size);
    } else if (!g.subgroup_auc.value) {
      g.not_averaged_reason = "subgroup AUC undefined: " + g.subgroup_auc.undefined_reason;
    } else if (!g.bpsn_auc.value) {
      g.not_averaged_reason = "BPSN AUC undefined: " + g.bpsn_auc.undefined_reason;
    } else if (!g.bnsp_auc.value) {
      g.not_averaged_reason = "BNSP AUC undefined: " + g.bnsp_auc.undefined_reason;
    } else {
      g.averaged = true;
      subgroup_aucs.push_back(*g.subgroup_auc.value);
      bpsn_aucs.push_back(*g.bpsn_auc.value);
      bnsp_aucs.push_back(*g.bnsp_auc.value);
    }
    report.subgroups.push_back(std::move(g));
  }

  report.subgroups_averaged = subgroup_aucs.size();
  if (!subgroup_aucs.empty()) {
    WINNOW_ASSIGN_OR_RETURN(report.mean_subgroup_auc,
                            generalized_mean(subgroup_aucs, options.power));
    WINNOW_ASSIGN_OR_RETURN(report.mean_bpsn_auc, generalized_mean(bpsn_aucs, options.power));
    WINNOW_ASSIGN_OR_RETURN(report.mean_bnsp_auc, generalized_mean(bnsp_aucs, options.power));
  }
  if (!report.overall_auc.value) {
    report.final_metric_note = "overall AUC undefined: " + report.overall_auc.undefined_reason;
  } else if (subgroup_aucs.empty()) {
    report.final_metric_note = "no subgroup has at least " +
                               std::to_string(options.min_subgroup_size) +
                               " samples and all three AUCs defined";
  } else {
    report.final_metric = options.weight_overall * *report.overall_auc.value +
                          options.weight_subgroup * *report.mean_subgroup_auc +
                          options.weight_bpsn * *report.mean_bpsn_auc +
                          options.weight_bnsp * *report.mean_bnsp_auc;
  }
  return report;
}

Result<BiasAudit> audit_bias(const MultiLabelData& data, const IdentityTable& identities,
                             const BiasAuditOptions& options, std::string_view head) {
  WINNOW_RETURN_IF_ERROR(check_multi_label_data(data));
  WINNOW_RETURN_IF_ERROR(check_identity_table(identities));
  BiasAudit audit;
  audit.head = std::string(head);
  audit.samples = data.samples();
  audit.options = options;
  audit.identities = identities.names;
  for (size_t label = 0; label < data.label_names.size(); ++label) {
    const std::vector<float> scores = data.label_scores(label);
    const std::vector<uint8_t> truth = data.label_truth(label);
    Result<LabelBiasReport> r =
        audit_label(data.label_names[label], scores, truth, identities, options);
    if (!r.is_ok()) return r.status().with_context("label '" + data.label_names[label] + "'");
    audit.labels.push_back(std::move(r).value());
  }
  return audit;
}

}  // namespace winnow::eval
