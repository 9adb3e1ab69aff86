// The identity-bias audit as a user runs it: `winnow prepare --identity-columns` carries identity
// columns into the JSONL metadata, `winnow train` learns a biased model from generated data, and
// `winnow eval --identity-columns` reports the audit, whose numbers are recomputed here by the
// scikit-learn oracle (src/eval/bias_audit_oracle.py --input) from `winnow classify` scores.
// Also the smoke test on the 69-row Kaggle-layout file of ../shared/data/raw.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "model/model_io.h"
#include "test_support.h"

namespace winnow::testing {
namespace {

struct BiasSample {
  std::string text;
  bool toxic = false;
  nlohmann::json identity;  // {"muslim": 1.0, ...} or nulls
};

// Texts of filler words, a toxic word for toxic samples (dropped for 1 in 5, so the model cannot
// be perfect) and identity words for the subgroups a sample mentions. With `biased`, most
// samples mentioning "muslim" are toxic, so a model trained on them learns the identity word as
// a toxicity cue: innocent mentions then score high (low BPSN AUC for muslim).
std::vector<BiasSample> make_bias_samples(int n, unsigned seed, bool biased) {
  const char* filler[] = {"the", "meeting", "was",   "about",  "local", "news",
                          "and", "weather", "today", "people", "said",  "that"};
  const char* toxic_words[] = {"idiot", "stupid", "moron"};
  unsigned state = seed * 2654435761u + 11;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  std::vector<BiasSample> out;
  for (int i = 0; i < n; ++i) {
    BiasSample s;
    const bool muslim = next() % 5 == 0;
    const bool female = next() % 6 == 0;
    const bool buddhist = next() % 40 == 0;
    s.toxic = next() % 4 == 0;
    if (biased && muslim && next() % 4 != 0) s.toxic = true;
    for (int w = 0; w < 5; ++w) s.text += std::string(filler[next() % 12]) + " ";
    if (s.toxic && next() % 5 != 0) s.text += std::string(toxic_words[next() % 3]) + " ";
    if (muslim) s.text += "muslim ";
    if (female) s.text += "woman ";
    if (buddhist) s.text += "buddhist ";
    s.text += filler[next() % 12];
    if (next() % 10 == 0) {  // not annotated
      s.identity = {{"muslim", nullptr}, {"female", nullptr}, {"buddhist", nullptr}};
    } else {
      // Rater fractions: 0.6 counts as a mention, 0.2 does not.
      s.identity = {{"muslim", muslim ? 1.0 : 0.0},
                    {"female", female ? 0.6 : (next() % 3 == 0 ? 0.2 : 0.0)},
                    {"buddhist", buddhist}};
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string bias_jsonl(const std::vector<BiasSample>& samples) {
  std::string out;
  for (const BiasSample& s : samples) {
    out += nlohmann::json{{"text", s.text},
                          {"labels", {{"moderation", {s.toxic ? "toxicity" : "safe"}}}},
                          {"metadata", {{"identity", s.identity}}}}
               .dump() +
           "\n";
  }
  return out;
}

std::vector<std::string> bias_output_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  return out;
}

class BiasAuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("train.jsonl"), bias_jsonl(make_bias_samples(1200, 1, true)));
    test_samples_ = make_bias_samples(600, 2, false);
    write_file(dir_.file("test.jsonl"), bias_jsonl(test_samples_));
  }
  CommandResult train() const {
    return run_command(kWinnow + " train --train " + dir_.file("train.jsonl") + " --out " +
                       model() + " --hash-bits 12 --epochs 5 --threads 1 --quiet");
  }
  CommandResult eval(const std::string& flags) const {
    return run_command(kWinnow + " eval " + model() + " " + dir_.file("test.jsonl") + " " + flags);
  }
  std::string model() const { return dir_.file("m.winnow"); }
  TempDir dir_;
  std::vector<BiasSample> test_samples_;
};

TEST_F(BiasAuditCli, EvalAuditMatchesScikitLearnOnClassifyScores) {
  ASSERT_EQ(train().exit_code, 0);
  CommandResult e = eval("--identity-columns muslim,female,buddhist --min-subgroup-size 50 --json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json report = nlohmann::json::parse(e.out);
  ASSERT_EQ(report["bias_audit"].size(), 1u);
  const nlohmann::json& audit = report["bias_audit"][0];
  EXPECT_EQ(audit["head"], "moderation");
  EXPECT_EQ(audit["samples"], test_samples_.size());
  EXPECT_EQ(audit["min_subgroup_size"], 50);
  EXPECT_EQ(audit["identities"], nlohmann::json::array({"muslim", "female", "buddhist"}));

  // The oracle's input: the scores `winnow classify` gives the same texts.
  std::string texts;
  for (const BiasSample& s : test_samples_) texts += nlohmann::json{{"text", s.text}}.dump() + "\n";
  write_file(dir_.file("texts.jsonl"), texts);
  CommandResult c =
      run_command(kWinnow + " classify " + model() + " < " + dir_.file("texts.jsonl"));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<std::string> rows = bias_output_lines(c.out);
  ASSERT_EQ(rows.size(), test_samples_.size());
  std::vector<std::string> labels;
  for (const auto& l : audit["labels"]) labels.push_back(l["name"]);
  nlohmann::json input = {{"labels", labels},
                          {"identities", audit["identities"]},
                          {"min_subgroup_size", 50},
                          {"scores", nlohmann::json::array()},
                          {"truth", nlohmann::json::array()},
                          {"identity_values", nlohmann::json::array()}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json row = nlohmann::json::parse(rows[i]);
    nlohmann::json scores = nlohmann::json::array(), truth = nlohmann::json::array(),
                   ids = nlohmann::json::array();
    for (const std::string& l : labels) {
      scores.push_back(row["moderation"]["scores"][l]);
      truth.push_back((l == "toxicity") == test_samples_[i].toxic ? 1 : 0);
    }
    for (const auto& name : audit["identities"]) {
      const nlohmann::json& v = test_samples_[i].identity[name.get<std::string>()];
      ids.push_back(v.is_boolean() ? nlohmann::json(v.get<bool>() ? 1.0 : 0.0) : v);
    }
    input["scores"].push_back(scores);
    input["truth"].push_back(truth);
    input["identity_values"].push_back(ids);
  }
  write_file(dir_.file("oracle_in.json"), input.dump());
  CommandResult o = run_command("/usr/bin/python3 " + std::string(WINNOW_SOURCE_DIR) +
                                "/src/eval/bias_audit_oracle.py --input " +
                                dir_.file("oracle_in.json") + " " + dir_.file("oracle_out.json"));
  if (o.exit_code == 77 || o.exit_code == 127) GTEST_SKIP() << "needs python3-sklearn";
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json expected =
      nlohmann::json::parse(read_file(dir_.file("oracle_out.json")))["expected"];

  auto near = [](const nlohmann::json& ours, const nlohmann::json& theirs,
                 const std::string& what) {
    if (theirs.is_null()) {
      EXPECT_TRUE(ours.is_null()) << what;
    } else {
      ASSERT_TRUE(ours.is_number()) << what << ": " << ours;
      EXPECT_NEAR(ours.get<double>(), theirs.get<double>(), 1e-9) << what;
    }
  };
  ASSERT_EQ(audit["labels"].size(), expected.size());
  // The bias the data was made with is what the audit finds: for toxicity, innocent mentions of
  // "muslim" score high, so its BPSN AUC is the lowest of the subgroups.
  for (const auto& l : audit["labels"]) {
    if (l["name"] != "toxicity") continue;
    double muslim = 2, others = 2;
    for (const auto& g : l["subgroups"]) {
      if (!g["bpsn_auc"].is_number()) continue;
      (g["name"] == "muslim" ? muslim : others) =
          std::min(g["name"] == "muslim" ? muslim : others, g["bpsn_auc"].get<double>());
    }
    EXPECT_LT(muslim, others) << l.dump();
  }
  for (size_t k = 0; k < expected.size(); ++k) {
    const nlohmann::json& l = audit["labels"][k];
    const nlohmann::json& x = expected[k];
    const std::string label = l["name"];
    near(l["overall_auc"], x["overall_auc"], label + " overall");
    for (size_t j = 0; j < x["subgroups"].size(); ++j) {
      const nlohmann::json& g = l["subgroups"][j];
      const nlohmann::json& xg = x["subgroups"][j];
      const std::string where = label + "/" + xg["name"].get<std::string>();
      EXPECT_EQ(g["size"], xg["size"]) << where;
      EXPECT_EQ(g["positives"], xg["positives"]) << where;
      near(g["subgroup_auc"], xg["subgroup_auc"], where + " subgroup AUC");
      near(g["bpsn_auc"], xg["bpsn_auc"], where + " BPSN");
      near(g["bnsp_auc"], xg["bnsp_auc"], where + " BNSP");
      EXPECT_EQ(g["averaged"], xg["averaged"]) << where;
    }
    near(l["final_metric"], x["final_metric"], label + " final metric");
    for (const char* m : {"subgroup_auc", "bpsn_auc", "bnsp_auc"}) {
      near(l["power_mean"][m], x["power_mean"][m], label + " power mean " + m);
    }
  }
  // The overall AUC is the one the per-label report gives.
  for (const auto& head_label : report["heads"][0]["labels"]) {
    if (head_label["name"] != "toxicity") continue;
    for (const auto& l : audit["labels"]) {
      if (l["name"] == "toxicity") {
        EXPECT_EQ(l["overall_auc"], head_label["roc_auc"]);
      }
    }
  }
  // The learned bias shows where it was put, and the small subgroup is reported, not averaged.
  const nlohmann::json* tox = nullptr;
  for (const auto& l : audit["labels"]) {
    if (l["name"] == "toxicity") tox = &l;
  }
  ASSERT_NE(tox, nullptr);
  const nlohmann::json& muslim = (*tox)["subgroups"][0];
  const nlohmann::json& female = (*tox)["subgroups"][1];
  const nlohmann::json& buddhist = (*tox)["subgroups"][2];
  EXPECT_LT(muslim["bpsn_auc"].get<double>(), female["bpsn_auc"].get<double>() - 0.05);
  EXPECT_TRUE(muslim["averaged"].get<bool>());
  EXPECT_TRUE(female["averaged"].get<bool>());
  EXPECT_LT(buddhist["size"].get<int>(), 50);
  EXPECT_FALSE(buddhist["averaged"].get<bool>());
  EXPECT_NE(buddhist["not_averaged_reason"].get<std::string>().find("under the minimum 50"),
            std::string::npos);
  EXPECT_GT(muslim["unannotated"].get<int>(), 0);
}

TEST_F(BiasAuditCli, PrintsATablePerLabelWithTheFinalMetric) {
  ASSERT_EQ(train().exit_code, 0);
  CommandResult e = eval("--identity-columns all --min-subgroup-size 50");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("bias audit of head moderation: 600 samples, 3 identities"),
            std::string::npos)
      << e.out;
  EXPECT_NE(e.out.find("subgroups under 50 samples are reported, not averaged"), std::string::npos);
  EXPECT_NE(e.out.find("label toxicity:"), std::string::npos);
  EXPECT_NE(e.out.find("subgroup AUC  BPSN AUC  BNSP AUC"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("no (size < 50)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("power mean (p = -5)"), std::string::npos);
  EXPECT_NE(e.out.find("final bias metric 0."), std::string::npos) << e.out;
  // Without the flag, no audit.
  CommandResult plain = eval("");
  ASSERT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.out.find("bias audit"), std::string::npos);
}

TEST_F(BiasAuditCli, IdentitiesNoSampleHasAndSamplesWithoutIdentitiesAreNamed) {
  ASSERT_EQ(train().exit_code, 0);
  CommandResult e = eval("--identity-columns muslim,male,jewish");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("test.jsonl: no sample has identities 'male', 'jewish' in metadata.identity "
                       "(identities in the file: 'buddhist', 'female', 'muslim')"),
            std::string::npos)
      << e.err;

  std::string lines = read_file(dir_.file("test.jsonl"));
  lines += "{\"text\": \"no identities here\", \"labels\": {\"moderation\": [\"safe\"]}}\n";
  write_file(dir_.file("mixed.jsonl"), lines);
  CommandResult m = run_command(kWinnow + " eval " + model() + " " + dir_.file("mixed.jsonl") +
                                " --identity-columns muslim");
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find("mixed.jsonl:601: metadata.identity: missing"), std::string::npos) << m.err;

  write_file(dir_.file("bad.jsonl"),
             "{\"text\": \"a\", \"labels\": {\"moderation\": [\"safe\"]}, \"metadata\": "
             "{\"identity\": {\"muslim\": 2}}}\n");
  CommandResult b = run_command(kWinnow + " eval " + model() + " " + dir_.file("bad.jsonl") +
                                " --identity-columns muslim");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("bad.jsonl:1: metadata.identity.muslim: expected a number in [0, 1]"),
            std::string::npos)
      << b.err;

  CommandResult usage = eval("--identity-columns muslim,,female");
  EXPECT_EQ(usage.exit_code, 2);
}

// Training audits the finished model on validation samples that carry identities and stores it
// in the model file; the stored audit is, number for number, what `winnow eval --identity-columns
// all` computes on the saved model and the same file (default minimum subgroup size, 100).
TEST_F(BiasAuditCli, TrainStoresTheAuditEvalComputesOnTheSameValidationFile) {
  CommandResult t = run_command(kWinnow + " train --train " + dir_.file("train.jsonl") +
                                " --validation " + dir_.file("test.jsonl") + " --out " + model() +
                                " --hash-bits 12 --epochs 5 --threads 1 --quiet");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("bias audit stored (head moderation, 3 identities, 600 validation "
                       "samples): final bias metric "),
            std::string::npos)
      << t.out;
  Result<std::shared_ptr<const Model>> loaded = load_model(model());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  const nlohmann::json& validation = (*loaded)->metadata()["validation"];
  ASSERT_TRUE(validation.contains("bias_audit")) << validation.dump();
  const nlohmann::json stored = validation["bias_audit"];

  CommandResult e = eval("--identity-columns all --json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json computed = nlohmann::json::parse(e.out)["bias_audit"];
  EXPECT_EQ(stored, computed) << "stored: " << stored.dump() << "\neval: " << computed.dump();

  // Not an empty or degenerate audit: the learned bias is in it, and the default minimum applies.
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["min_subgroup_size"], 100);
  // Every identity of the file, in first-appearance order (the generator's JSON sorts its keys).
  EXPECT_EQ(stored[0]["identities"], nlohmann::json::array({"buddhist", "female", "muslim"}));
  for (const auto& l : stored[0]["labels"]) {
    if (l["name"] != "toxicity") continue;
    const nlohmann::json& buddhist = l["subgroups"][0];
    const nlohmann::json& muslim = l["subgroups"][2];
    ASSERT_EQ(muslim["name"], "muslim");
    ASSERT_TRUE(muslim["bpsn_auc"].is_number()) << l.dump();
    EXPECT_LT(muslim["bpsn_auc"].get<double>(), l["overall_auc"].get<double>());
    EXPECT_FALSE(buddhist["averaged"].get<bool>());
  }
}

TEST_F(BiasAuditCli, TrainWithoutIdentitiesStoresNoAudit) {
  std::string plain;
  for (const BiasSample& s : test_samples_) {
    plain += nlohmann::json{{"text", s.text},
                            {"labels", {{"moderation", {s.toxic ? "toxicity" : "safe"}}}}}
                 .dump() +
             "\n";
  }
  write_file(dir_.file("plain.jsonl"), plain);
  CommandResult t = run_command(kWinnow + " train --train " + dir_.file("train.jsonl") +
                                " --validation " + dir_.file("plain.jsonl") + " --out " + model() +
                                " --hash-bits 12 --epochs 2 --threads 1 --quiet");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out.find("bias audit"), std::string::npos) << t.out;
  Result<std::shared_ptr<const Model>> loaded = load_model(model());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  const nlohmann::json& validation = (*loaded)->metadata()["validation"];
  EXPECT_TRUE(validation["macro_roc_auc"].is_number());
  EXPECT_FALSE(validation.contains("bias_audit")) << validation.dump();
}

// Identity problems in the validation file fail training before any step, naming the line.
TEST_F(BiasAuditCli, TrainRefusesBadValidationIdentitiesUpFront) {
  std::string lines = read_file(dir_.file("test.jsonl"));
  lines += "{\"text\": \"no identities here\", \"labels\": {\"moderation\": [\"safe\"]}}\n";
  write_file(dir_.file("mixed.jsonl"), lines);
  CommandResult m = run_command(kWinnow + " train --train " + dir_.file("train.jsonl") +
                                " --validation " + dir_.file("mixed.jsonl") + " --out " + model() +
                                " --hash-bits 12 --epochs 2 --threads 1");
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find("mixed.jsonl:601: metadata.identity: missing, while 600 of the 601 samples "
                       "have one"),
            std::string::npos)
      << m.err;
  EXPECT_EQ(m.err.find("step "), std::string::npos) << "failed only after training: " << m.err;
  EXPECT_FALSE(std::filesystem::exists(model()));

  write_file(dir_.file("bad.jsonl"),
             "{\"text\": \"a idiot\", \"labels\": {\"moderation\": [\"toxicity\"]}, "
             "\"metadata\": {\"identity\": {\"muslim\": 0}}}\n"
             "{\"text\": \"a b\", \"labels\": {\"moderation\": [\"safe\"]}, \"metadata\": "
             "{\"identity\": {\"muslim\": \"yes\"}}}\n");
  CommandResult b = run_command(kWinnow + " train --train " + dir_.file("train.jsonl") +
                                " --validation " + dir_.file("bad.jsonl") + " --out " + model() +
                                " --hash-bits 12 --epochs 2 --threads 1 --quiet");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("bad.jsonl:2: metadata.identity.muslim: expected a number in [0, 1]"),
            std::string::npos)
      << b.err;
}

TEST(BiasAuditPrepare, MissingIdentityColumnsAreNamedWithTheFile) {
  TempDir dir;
  write_file(dir.file("train.csv"), "id,comment_text,target,male,female\n1,hello,0.1,0,1\n");
  CommandResult r = run_command(kWinnow + " prepare --train " + dir.file("train.csv") +
                                " --identity-columns male,black,muslim --out " + dir.file("out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("train.csv: no identity columns black, muslim for --identity-columns"),
            std::string::npos)
      << r.err;
  CommandResult all = run_command(kWinnow + " prepare --train " + dir.file("train.csv") +
                                  " --identity-columns all --out " + dir.file("out"));
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_NE(all.err.find("asian, atheist"), std::string::npos) << all.err;
}

TEST(BiasAuditPrepare, CarriesIdentityValuesIntoMetadataOfEveryKeptRow) {
  TempDir dir;
  write_file(dir.file("train.csv"),
             "id,comment_text,target,male,muslim\n"
             "1,first text,0.9,0.6,\n"
             "2,second text,0.0,,1.0\n"
             "3,third text,0.2,0.0,0.0\n");
  CommandResult r = run_command(kWinnow + " prepare --quiet --no-shuffle --no-balance --train " +
                                dir.file("train.csv") + " --identity-columns muslim,male --out " +
                                dir.file("out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = read_lines(dir.file("out/training_file.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["metadata"],
            nlohmann::json::parse(R"({"identity": {"muslim": null, "male": 0.6}})"));
  EXPECT_EQ(nlohmann::json::parse(lines[1])["metadata"]["identity"]["muslim"], 1.0);
  EXPECT_TRUE(nlohmann::json::parse(lines[1])["metadata"]["identity"]["male"].is_null());
  // The lines stay valid classifier JSONL.
  EXPECT_EQ(run_command(kWinnow + " validate " + dir.file("out/training_file.jsonl")).exit_code, 0);
  const nlohmann::json summary =
      nlohmann::json::parse(read_file(dir.file("out/prepare-summary.json")));
  EXPECT_EQ(summary["identity_columns"], nlohmann::json::array({"muslim", "male"}));
  EXPECT_EQ(summary["splits"]["train"]["identities"]["male"]["members"], 1);
  EXPECT_EQ(summary["splits"]["train"]["identities"]["male"]["annotated"], 2);
  // Without the flag, no metadata.
  CommandResult plain = run_command(kWinnow + " prepare --quiet --train " + dir.file("train.csv") +
                                    " --out " + dir.file("plain"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(read_file(dir.file("plain/training_file.jsonl")).find("metadata"), std::string::npos);
}

// Reads ../shared/data/raw: the 69-row file in Kaggle's "Unintended Bias" train.csv layout.
TEST(BiasAuditSmoke, KaggleLayoutFilePreparesTrainsAndAudits) {
  WINNOW_REQUIRE_SHARED_DATA("raw/ilSommo_rate-severity/weighted_train_small.csv");
  TempDir dir;
  CommandResult p = run_command(kWinnow + " prepare --no-balance --train " +
                                shared_data("raw/ilSommo_rate-severity/weighted_train_small.csv") +
                                " --identity-columns all --out " + dir.file("p"));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("train identities (kept rows with value >= 0.5; 11 rows annotated)"),
            std::string::npos)
      << p.out;
  ASSERT_EQ(
      run_command(kWinnow + " train --train " + dir.file("p/training_file.jsonl") + " --out " +
                  dir.file("m.winnow") + " --hash-bits 12 --epochs 5 --threads 1 --quiet")
          .exit_code,
      0);
  CommandResult e = run_command(kWinnow + " eval " + dir.file("m.winnow") + " " +
                                dir.file("p/training_file.jsonl") + " --identity-columns jigsaw");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("bias audit of head moderation: 69 samples, 9 identities"),
            std::string::npos)
      << e.out;
  // Every subgroup of this file has 1 member: reported, none averaged, so no final metric.
  EXPECT_NE(e.out.find("no (size < 100)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("final bias metric: - (no subgroup has at least 100 samples"),
            std::string::npos)
      << e.out;
  CommandResult j =
      run_command(kWinnow + " eval " + dir.file("m.winnow") + " " +
                  dir.file("p/training_file.jsonl") + " --identity-columns all --json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json audit = nlohmann::json::parse(j.out)["bias_audit"][0];
  EXPECT_EQ(audit["identities"].size(), 24u);
  for (const auto& l : audit["labels"]) {
    for (const auto& g : l["subgroups"]) {
      EXPECT_LE(g["size"].get<int>(), 1) << g["name"];
      EXPECT_FALSE(g["averaged"].get<bool>());
      EXPECT_EQ(g["unannotated"], 58);
    }
  }
}

}  // namespace
}  // namespace winnow::testing
