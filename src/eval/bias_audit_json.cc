#include "eval/bias_audit_json.h"

#include <optional>
#include <string>

namespace winnow::eval {
namespace {

using nlohmann::json;

json number_or_null(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json subgroup_json(const SubgroupReport& g) {
  json undefined = json::object();
  const std::pair<const char*, const AucValue*> aucs[] = {
      {"subgroup_auc", &g.subgroup_auc}, {"bpsn_auc", &g.bpsn_auc}, {"bnsp_auc", &g.bnsp_auc}};
  json out = {{"name", g.name},
              {"size", g.size},
              {"positives", g.positives},
              {"negatives", g.size - g.positives},
              {"unannotated", g.unannotated}};
  for (const auto& [key, auc] : aucs) {
    out[key] = number_or_null(auc->value);
    if (!auc->value) undefined[key] = auc->undefined_reason;
  }
  out["undefined"] = std::move(undefined);
  out["averaged"] = g.averaged;
  out["not_averaged_reason"] = text_or_null(g.not_averaged_reason);
  return out;
}

}  // namespace

json to_json(const BiasAudit& audit) {
  json labels = json::array();
  for (const LabelBiasReport& l : audit.labels) {
    json subgroups = json::array();
    for (const SubgroupReport& g : l.subgroups) subgroups.push_back(subgroup_json(g));
    labels.push_back({{"name", l.name},
                      {"samples", l.samples},
                      {"positives", l.positives},
                      {"overall_auc", number_or_null(l.overall_auc.value)},
                      {"subgroups", std::move(subgroups)},
                      {"subgroups_averaged", l.subgroups_averaged},
                      {"power_mean",
                       {{"subgroup_auc", number_or_null(l.mean_subgroup_auc)},
                        {"bpsn_auc", number_or_null(l.mean_bpsn_auc)},
                        {"bnsp_auc", number_or_null(l.mean_bnsp_auc)}}},
                      {"final_metric", number_or_null(l.final_metric)},
                      {"final_metric_note", text_or_null(l.final_metric_note)}});
  }
  const BiasAuditOptions& o = audit.options;
  return {{"head", audit.head},
          {"samples", audit.samples},
          {"identities", audit.identities},
          {"identity_threshold", o.identity_threshold},
          {"min_subgroup_size", o.min_subgroup_size},
          {"power", o.power},
          {"weights",
           {{"overall_auc", o.weight_overall},
            {"subgroup_auc", o.weight_subgroup},
            {"bpsn_auc", o.weight_bpsn},
            {"bnsp_auc", o.weight_bnsp}}},
          {"labels", std::move(labels)}};
}

}  // namespace winnow::eval
