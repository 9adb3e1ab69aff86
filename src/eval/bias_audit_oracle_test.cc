// The bias audit against scikit-learn: bias_audit_oracle.py generates 5,000 samples with a known
// bias (innocent mentions of one identity scored high, toxic text about another scored low,
// two-decimal scores full of ties, 30% of samples without identity annotations, one subgroup
// without positives, subgroups under the minimum size) and computes every number with
// sklearn.metrics.roc_auc_score and numpy's power mean; this test runs the script and compares
// Winnow's audit of the same data to 1e-9. Skips when /usr/bin/python3 has no sklearn.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "eval/bias_audit.h"
#include "test_support.h"

namespace winnow::eval {
namespace {

constexpr double kBiasOracleTol = 1e-9;

struct BiasOracleCase {
  MultiLabelData data;
  IdentityTable identities;
  BiasAuditOptions options;
  nlohmann::json expected;
};

// Runs the oracle with `seed`; false (and a skip reason) when sklearn is absent.
bool run_bias_oracle(int seed, BiasOracleCase* c, std::string* skip_reason) {
  testing::TempDir dir;
  const std::string out = dir.file("oracle.json");
  const testing::CommandResult r =
      testing::run_command("/usr/bin/python3 " + std::string(WINNOW_SOURCE_DIR) +
                           "/src/eval/bias_audit_oracle.py " + out + " " + std::to_string(seed));
  if (r.exit_code == 77 || r.exit_code == 127) {
    *skip_reason = "needs /usr/bin/python3 with sklearn (Debian python3-sklearn)";
    return false;
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(testing::read_file(out));
  c->data.label_names = doc["labels"].get<std::vector<std::string>>();
  for (const auto& row : doc["scores"]) {
    for (const auto& v : row) c->data.scores.push_back(static_cast<float>(v.get<double>()));
  }
  for (const auto& row : doc["truth"]) {
    for (const auto& v : row) c->data.truth.push_back(static_cast<uint8_t>(v.get<int>()));
  }
  c->identities.names = doc["identities"].get<std::vector<std::string>>();
  for (const auto& row : doc["identity_values"]) {
    for (const auto& v : row) {
      c->identities.values.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                                 : v.get<double>());
    }
  }
  c->options.min_subgroup_size = doc["min_subgroup_size"].get<uint64_t>();
  c->expected = doc["expected"];
  return true;
}

// Expects `actual` to be the oracle's number, or undefined where the oracle has null.
void expect_oracle_value(const std::optional<double>& actual, const nlohmann::json& expected,
                         const std::string& what) {
  if (expected.is_null()) {
    EXPECT_FALSE(actual.has_value()) << what << ": sklearn has no value, Winnow has " << *actual;
  } else {
    ASSERT_TRUE(actual.has_value()) << what << ": undefined, sklearn has " << expected;
    EXPECT_NEAR(*actual, expected.get<double>(), kBiasOracleTol) << what;
  }
}

void check_bias_against_oracle(int seed) {
  BiasOracleCase c;
  std::string skip;
  if (!run_bias_oracle(seed, &c, &skip)) GTEST_SKIP() << skip;
  ASSERT_EQ(c.data.samples(), 5000u);
  auto audit = audit_bias(c.data, c.identities, c.options, "moderation");
  ASSERT_TRUE(audit.is_ok()) << audit.status().message();
  ASSERT_EQ(audit->labels.size(), c.expected.size());
  for (size_t k = 0; k < audit->labels.size(); ++k) {
    const LabelBiasReport& l = audit->labels[k];
    const nlohmann::json& e = c.expected[k];
    const std::string label = "seed " + std::to_string(seed) + " label " + l.name;
    expect_oracle_value(l.overall_auc.value, e["overall_auc"], label + " overall AUC");
    ASSERT_EQ(l.subgroups.size(), e["subgroups"].size());
    for (size_t j = 0; j < l.subgroups.size(); ++j) {
      const SubgroupReport& g = l.subgroups[j];
      const nlohmann::json& eg = e["subgroups"][j];
      const std::string where = label + " subgroup " + g.name;
      EXPECT_EQ(g.name, eg["name"]);
      EXPECT_EQ(g.size, eg["size"].get<uint64_t>()) << where;
      EXPECT_EQ(g.positives, eg["positives"].get<uint64_t>()) << where;
      expect_oracle_value(g.subgroup_auc.value, eg["subgroup_auc"], where + " subgroup AUC");
      expect_oracle_value(g.bpsn_auc.value, eg["bpsn_auc"], where + " BPSN AUC");
      expect_oracle_value(g.bnsp_auc.value, eg["bnsp_auc"], where + " BNSP AUC");
      EXPECT_EQ(g.averaged, eg["averaged"].get<bool>()) << where;
    }
    expect_oracle_value(l.mean_subgroup_auc, e["power_mean"]["subgroup_auc"],
                        label + " M_p subgroup");
    expect_oracle_value(l.mean_bpsn_auc, e["power_mean"]["bpsn_auc"], label + " M_p BPSN");
    expect_oracle_value(l.mean_bnsp_auc, e["power_mean"]["bnsp_auc"], label + " M_p BNSP");
    expect_oracle_value(l.final_metric, e["final_metric"], label + " final metric");
  }
  // The generated bias is visible where it was put: muslim's BPSN and black's BNSP are the
  // lowest of the averaged subgroups for toxicity.
  const LabelBiasReport& tox = audit->labels[0];
  double min_bpsn = 1, min_bnsp = 1;
  std::string min_bpsn_name, min_bnsp_name;
  for (const SubgroupReport& g : tox.subgroups) {
    if (!g.averaged) continue;
    if (*g.bpsn_auc.value < min_bpsn) {
      min_bpsn = *g.bpsn_auc.value;
      min_bpsn_name = g.name;
    }
    if (*g.bnsp_auc.value < min_bnsp) {
      min_bnsp = *g.bnsp_auc.value;
      min_bnsp_name = g.name;
    }
  }
  EXPECT_EQ(min_bpsn_name, "muslim");
  EXPECT_EQ(min_bnsp_name, "black");
}

TEST(BiasAuditOracle, MatchesScikitLearnOnGeneratedBiasedData) { check_bias_against_oracle(2019); }

TEST(BiasAuditOracle, MatchesScikitLearnOnASecondSeed) { check_bias_against_oracle(7); }

}  // namespace
}  // namespace winnow::eval
