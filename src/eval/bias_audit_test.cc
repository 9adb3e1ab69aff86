// The bias audit on hand-computed cases (each AUC below is counted pair by pair in the comments),
// its edge cases and errors. bias_audit_oracle_test.cc checks it against scikit-learn.
#include "eval/bias_audit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "eval/bias_audit_json.h"

namespace winnow::eval {
namespace {

constexpr double kAuditNaN = std::numeric_limits<double>::quiet_NaN();

// 8 samples; identity g holds samples 1, 2, 5, 7; identity h holds 3, 4, 6 and sample 0's h is
// not annotated.
const std::vector<float> kAuditScores = {0.9f, 0.8f, 0.7f, 0.6f, 0.4f, 0.3f, 0.2f, 0.1f};
const std::vector<uint8_t> kAuditTruth = {1, 1, 0, 1, 0, 1, 0, 0};

IdentityTable audit_two_identities() {
  IdentityTable t;
  t.names = {"g", "h"};
  // Rater fractions: 0.5 is in (>= 0.5), 0.4 is out.
  t.values = {0.0, kAuditNaN, 1.0, 0.0, 0.5, 0.0, 0.0,  1.0,
              0.4, 0.6,       1.0, 0.0, 0.0, 1.0, 0.75, 0.2};
  return t;
}

BiasAuditOptions audit_min_size(uint64_t n) {
  BiasAuditOptions o;
  o.min_subgroup_size = n;
  return o;
}

TEST(BiasAudit, ComputesSubgroupBpsnAndBnspAucByTheirDefinitions) {
  auto r =
      audit_label("toxicity", kAuditScores, kAuditTruth, audit_two_identities(), audit_min_size(1));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const LabelBiasReport& l = *r;
  EXPECT_EQ(l.samples, 8u);
  EXPECT_EQ(l.positives, 4u);
  // Positives .9 .8 .6 .3 over negatives .7 .4 .2 .1: 4 + 4 + 3 + 2 = 13 of 16 pairs.
  EXPECT_DOUBLE_EQ(*l.overall_auc.value, 13.0 / 16);
  ASSERT_EQ(l.subgroups.size(), 2u);

  const SubgroupReport& g = l.subgroups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.size, 4u);
  EXPECT_EQ(g.positives, 2u);
  EXPECT_EQ(g.unannotated, 0u);
  // In g: positives .8 .3, negatives .7 .1: 3 of 4 pairs.
  EXPECT_DOUBLE_EQ(*g.subgroup_auc.value, 0.75);
  // Background positives .9 .6 vs g negatives .7 .1: 3 of 4.
  EXPECT_DOUBLE_EQ(*g.bpsn_auc.value, 0.75);
  // Background negatives .4 .2 vs g positives .8 .3: 3 of 4.
  EXPECT_DOUBLE_EQ(*g.bnsp_auc.value, 0.75);

  const SubgroupReport& h = l.subgroups[1];
  EXPECT_EQ(h.size, 3u);
  EXPECT_EQ(h.positives, 1u);
  EXPECT_EQ(h.unannotated, 1u);
  // In h: positive .6 over negatives .4 .2.
  EXPECT_DOUBLE_EQ(*h.subgroup_auc.value, 1.0);
  // Background positives .9 .8 .3 (sample 0, not annotated, is background) vs h negatives .4 .2:
  // 2 + 2 + 1 of 6.
  EXPECT_DOUBLE_EQ(*h.bpsn_auc.value, 5.0 / 6);
  // Background negatives .7 .1 vs h positive .6: 1 of 2.
  EXPECT_DOUBLE_EQ(*h.bnsp_auc.value, 0.5);

  EXPECT_TRUE(g.averaged && h.averaged);
  EXPECT_EQ(l.subgroups_averaged, 2u);
  auto m = [](double a, double b) {
    return std::pow((std::pow(a, -5) + std::pow(b, -5)) / 2, -0.2);
  };
  EXPECT_NEAR(*l.mean_subgroup_auc, m(0.75, 1.0), 1e-15);
  EXPECT_NEAR(*l.mean_bpsn_auc, m(0.75, 5.0 / 6), 1e-15);
  EXPECT_NEAR(*l.mean_bnsp_auc, m(0.75, 0.5), 1e-15);
  EXPECT_NEAR(*l.final_metric, 0.25 * (13.0 / 16 + m(0.75, 1.0) + m(0.75, 5.0 / 6) + m(0.75, 0.5)),
              1e-15);
  EXPECT_TRUE(l.final_metric_note.empty());
}

TEST(BiasAudit, ReportsButDoesNotAverageSubgroupsUnderTheMinimumSize) {
  auto r =
      audit_label("toxicity", kAuditScores, kAuditTruth, audit_two_identities(), audit_min_size(4));
  ASSERT_TRUE(r.is_ok());
  const SubgroupReport& h = r->subgroups[1];
  EXPECT_FALSE(h.averaged);
  EXPECT_EQ(h.not_averaged_reason, "size 3 is under the minimum 4");
  EXPECT_DOUBLE_EQ(*h.subgroup_auc.value, 1.0);  // still computed and reported
  EXPECT_TRUE(r->subgroups[0].averaged);
  EXPECT_EQ(r->subgroups_averaged, 1u);
  // One averaged subgroup: each power mean is its own AUC. 0.25 * (13/16 + 3 * 0.75).
  EXPECT_DOUBLE_EQ(*r->final_metric, 0.765625);
}

TEST(BiasAudit, NoSubgroupLargeEnoughLeavesTheFinalMetricNullWithAReason) {
  auto r = audit_label("toxicity", kAuditScores, kAuditTruth, audit_two_identities(),
                       audit_min_size(100));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->subgroups_averaged, 0u);
  EXPECT_FALSE(r->mean_subgroup_auc.has_value());
  EXPECT_FALSE(r->final_metric.has_value());
  EXPECT_EQ(r->final_metric_note,
            "no subgroup has at least 100 samples and all three AUCs defined");
  EXPECT_TRUE(r->overall_auc.value.has_value());
}

TEST(BiasAudit, AnAucWithOneClassAbsentIsNullWithTheReasonAndNotAveraged) {
  IdentityTable t;
  t.names = {"only_negatives", "only_positives", "nobody"};
  // only_negatives = samples 2, 4; only_positives = samples 0, 1.
  t.values = {0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  auto r = audit_label("toxicity", kAuditScores, kAuditTruth, t, audit_min_size(1));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const SubgroupReport& neg = r->subgroups[0];
  EXPECT_EQ(neg.size, 2u);
  EXPECT_EQ(neg.positives, 0u);
  EXPECT_FALSE(neg.subgroup_auc.value.has_value());
  EXPECT_EQ(neg.subgroup_auc.undefined_reason, "no positives in the subgroup");
  EXPECT_TRUE(neg.bpsn_auc.value.has_value());  // background positives vs its negatives
  EXPECT_EQ(neg.bnsp_auc.undefined_reason, "no positives in the subgroup");
  EXPECT_FALSE(neg.averaged);
  EXPECT_EQ(neg.not_averaged_reason, "subgroup AUC undefined: no positives in the subgroup");

  const SubgroupReport& pos = r->subgroups[1];
  EXPECT_EQ(pos.subgroup_auc.undefined_reason, "no negatives in the subgroup");
  EXPECT_EQ(pos.bpsn_auc.undefined_reason, "no negatives in the subgroup");
  // Background negatives .7 .4 .2 .1 vs its positives .9 .8: all 8 pairs.
  EXPECT_DOUBLE_EQ(*pos.bnsp_auc.value, 1.0);

  EXPECT_EQ(r->subgroups[2].size, 0u);
  EXPECT_EQ(r->subgroups[2].subgroup_auc.undefined_reason, "the subgroup is empty");
  EXPECT_FALSE(r->final_metric.has_value());
}

TEST(BiasAudit, BackgroundWithoutPositivesMakesBpsnUndefined) {
  // Every positive is in the subgroup.
  IdentityTable t;
  t.names = {"g"};
  t.values = {1, 1, 1, 1, 0, 1, 0, 0};
  auto r = audit_label("toxicity", kAuditScores, kAuditTruth, t, audit_min_size(1));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->subgroups[0].bpsn_auc.undefined_reason, "no positives outside the subgroup");
  EXPECT_EQ(r->subgroups[0].not_averaged_reason,
            "BPSN AUC undefined: no positives outside the subgroup");
}

TEST(BiasAudit, OneClassOverallLeavesOverallAndFinalNull) {
  const std::vector<uint8_t> negatives(8, 0);
  auto r =
      audit_label("threat", kAuditScores, negatives, audit_two_identities(), audit_min_size(1));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->overall_auc.undefined_reason, "no positives");
  EXPECT_EQ(r->final_metric_note, "overall AUC undefined: no positives");
  EXPECT_FALSE(r->final_metric.has_value());
}

TEST(BiasAudit, NoSamplesIsReportedNotAnError) {
  IdentityTable t;
  t.names = {"g"};
  auto r = audit_label("toxicity", {}, {}, t, audit_min_size(1));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->overall_auc.undefined_reason, "no samples");
  EXPECT_EQ(r->subgroups[0].subgroup_auc.undefined_reason, "the subgroup is empty");
}

TEST(BiasAudit, RejectsBadInputWithAMessageNamingIt) {
  IdentityTable t = audit_two_identities();
  t.values[5] = 1.5;  // sample 2, identity h
  auto r = audit_label("toxicity", kAuditScores, kAuditTruth, t, audit_min_size(1));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sample 2, identity 'h'"), std::string::npos)
      << r.status().message();

  t = audit_two_identities();
  t.values.pop_back();
  EXPECT_FALSE(audit_label("toxicity", kAuditScores, kAuditTruth, t, audit_min_size(1)).is_ok());

  t = audit_two_identities();
  t.names = {"g", "g"};
  auto dup = audit_label("toxicity", kAuditScores, kAuditTruth, t, audit_min_size(1));
  ASSERT_FALSE(dup.is_ok());
  EXPECT_NE(dup.status().message().find("'g' is given twice"), std::string::npos);

  IdentityTable short_table;
  short_table.names = {"g"};
  short_table.values = {1, 0};
  auto mismatch =
      audit_label("toxicity", kAuditScores, kAuditTruth, short_table, audit_min_size(1));
  ASSERT_FALSE(mismatch.is_ok());
  EXPECT_NE(mismatch.status().message().find("8 samples of scores but 2"), std::string::npos);

  BiasAuditOptions bad = audit_min_size(1);
  bad.power = 0;
  EXPECT_FALSE(
      audit_label("toxicity", kAuditScores, kAuditTruth, audit_two_identities(), bad).is_ok());
}

TEST(BiasAudit, AuditsEveryLabelOfAMultiLabelHead) {
  MultiLabelData data;
  data.label_names = {"toxicity", "insult"};
  for (size_t i = 0; i < kAuditScores.size(); ++i) {
    data.scores.push_back(kAuditScores[i]);
    data.scores.push_back(1.0f - kAuditScores[i]);
    data.truth.push_back(kAuditTruth[i]);
    data.truth.push_back(kAuditTruth[i]);
  }
  auto a = audit_bias(data, audit_two_identities(), audit_min_size(1), "moderation");
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  ASSERT_EQ(a->labels.size(), 2u);
  EXPECT_EQ(a->head, "moderation");
  EXPECT_EQ(a->labels[1].name, "insult");
  EXPECT_DOUBLE_EQ(*a->labels[0].overall_auc.value, 13.0 / 16);
  EXPECT_DOUBLE_EQ(*a->labels[1].overall_auc.value, 3.0 / 16);  // reversed scores

  const nlohmann::json j = to_json(*a);
  EXPECT_EQ(j["identities"], nlohmann::json::array({"g", "h"}));
  EXPECT_EQ(j["power"], -5.0);
  EXPECT_EQ(j["labels"][0]["subgroups"][1]["unannotated"], 1);
  EXPECT_EQ(j["labels"][0]["subgroups"][0]["undefined"], nlohmann::json::object());
  EXPECT_TRUE(j["labels"][0]["subgroups"][0]["not_averaged_reason"].is_null());
  EXPECT_DOUBLE_EQ(j["labels"][0]["overall_auc"].get<double>(), 13.0 / 16);
}

TEST(BiasAuditJson, WritesNullAndTheReasonForUndefinedValues) {
  IdentityTable t;
  t.names = {"nobody"};
  t.values.assign(8, 0.0);
  auto r =
      audit_bias({{"toxicity"}, kAuditScores, kAuditTruth}, t, audit_min_size(1), "moderation");
  ASSERT_TRUE(r.is_ok());
  const nlohmann::json g = to_json(*r)["labels"][0]["subgroups"][0];
  EXPECT_TRUE(g["subgroup_auc"].is_null());
  EXPECT_EQ(g["undefined"]["subgroup_auc"], "the subgroup is empty");
  EXPECT_EQ(g["undefined"]["bpsn_auc"], "no negatives in the subgroup");
  EXPECT_FALSE(g["averaged"].get<bool>());
  EXPECT_TRUE(to_json(*r)["labels"][0]["final_metric"].is_null());
  EXPECT_TRUE(to_json(*r)["labels"][0]["power_mean"]["bpsn_auc"].is_null());
}

TEST(GeneralizedMean, IsThePowerMeanAndZeroWithAZeroForNegativePowers) {
  const std::vector<double> ones = {1.0, 1.0, 1.0};
  EXPECT_DOUBLE_EQ(generalized_mean(ones, -5).value(), 1.0);
  const std::vector<double> v = {0.5, 1.0};
  EXPECT_DOUBLE_EQ(generalized_mean(v, -5).value(), std::pow(33.0 / 2, -0.2));
  EXPECT_DOUBLE_EQ(generalized_mean(v, 1).value(), 0.75);
  const std::vector<double> with_zero = {0.0, 0.9};
  EXPECT_EQ(generalized_mean(with_zero, -5).value(), 0.0);
  EXPECT_FALSE(generalized_mean({}, -5).is_ok());
  const std::vector<double> negative = {-0.1};
  EXPECT_FALSE(generalized_mean(negative, -5).is_ok());
  EXPECT_FALSE(generalized_mean(v, 0).is_ok());
}

}  // namespace
}  // namespace winnow::eval
