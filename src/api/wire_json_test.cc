#include "api/wire_json.h"

#include <gtest/gtest.h>

#include <limits>

#include "api/responses.h"
#include "api/url_signer.h"

namespace winnow::api {
namespace {

TEST(WireJson, FileHasIntegerTimesAndSpecKeys) {
  store::FileRecord f;
  f.id = "3f9a6c10-52d7-4b8e-9c1a-6e0f2b7d8a41";
  f.filename = "training_file.jsonl";
  f.bytes = 118;
  f.num_lines = 2;
  f.created_at = 1768478400;
  f.signature = "d4821d2de1917341";
  const std::string text = dump_json(file_json(f, true));
  EXPECT_EQ(
      text,
      R"({"id":"3f9a6c10-52d7-4b8e-9c1a-6e0f2b7d8a41","object":"file","bytes":118,)"
      R"("created_at":1768478400,"filename":"training_file.jsonl","purpose":"fine-tune",)"
      R"("sample_type":"instruct","num_lines":2,"mimetype":"application/jsonl","source":"upload",)"
      R"("signature":"d4821d2de1917341","expires_at":null,"visibility":"workspace","deleted":false})");
}

TEST(WireJson, DetailedJobListsCheckpointsNewestFirstAndNullsNaN) {
  store::JobRecord job;
  job.id = "j";
  job.model = "ministral-3b-latest";
  job.training_files = {{"a", 2.0}, {"b", 1.0}};
  job.checkpoints = {{10, 0.5, std::nullopt, std::nullopt, std::nullopt, 100},
                     {20, std::numeric_limits<double>::quiet_NaN(), 0.4, 0.9, 0.8, 200}};
  job.events = {{"status-updated", {{"status", "QUEUED"}}, 100}};
  OrderedJson summary = job_json(job, false);
  EXPECT_EQ(summary["job_type"], "classifier");
  EXPECT_EQ(summary["object"], "job");
  EXPECT_EQ(summary["training_files"], OrderedJson::array({"a", "b"}));
  EXPECT_FALSE(summary.contains("classifier_targets"));
  OrderedJson detailed = job_json(job, true);
  EXPECT_EQ(detailed["classifier_targets"], OrderedJson::array());
  ASSERT_EQ(detailed["checkpoints"].size(), 2u);
  EXPECT_EQ(detailed["checkpoints"][0]["step_number"], 20);
  EXPECT_TRUE(detailed["checkpoints"][0]["metrics"]["train_loss"].is_null());
  EXPECT_EQ(detailed["checkpoints"][0]["metrics"]["valid_mean_token_accuracy"], 0.9);
  EXPECT_TRUE(detailed["checkpoints"][1]["metrics"]["valid_loss"].is_null());
  EXPECT_EQ(detailed["events"][0]["data"]["status"], "QUEUED");
  EXPECT_EQ(dump_json(detailed).find("NaN"), std::string::npos);
}

TEST(WireJson, FineTunedModelCardsCarryDiscriminators) {
  store::ModelRecord m;
  m.id = "ft:classifier:ministral-3b-latest:a1b2c3d4:20260115:5b1f0c2e";
  m.workspace = "default";
  m.job_id = "5b1f0c2e";
  m.root = "ministral-3b-latest";
  m.classifier_targets = {{"moderation", {"toxicity", "safe"}, 1.0, "multi_class"}};
  OrderedJson card = fine_tuned_model_card(m);
  EXPECT_EQ(card["type"], "fine-tuned");
  EXPECT_EQ(card["capabilities"]["classification"], true);
  EXPECT_EQ(card["capabilities"]["completion_chat"], false);
  OrderedJson patched = classifier_fine_tuned_model(m);
  EXPECT_EQ(patched["model_type"], "classifier");
  EXPECT_EQ(patched["root_version"], "1");
  EXPECT_EQ(patched["classifier_targets"][0]["loss_function"], "multi_class");
  jobs::BaseModel base{"ministral-3b-latest", "linear", "alias"};
  EXPECT_EQ(base_model_card(base, 5)["type"], "base");
  EXPECT_EQ(base_model_card(base, 5)["capabilities"]["fine_tuning"], true);
}

TEST(FieldErrors, ArrayFormWithLocAndMsg) {
  FieldErrors e;
  e.add("missing", nlohmann::json::array({"body", "input"}), "Field required");
  // Byte for byte: the keys come in the order the API's validation errors list them.
  EXPECT_EQ(e.body().dump(),
            R"({"detail":[{"type":"missing","loc":["body","input"],"msg":"Field required"}]})");
}

TEST(HttpStatusFor, MapsEveryCode) {
  EXPECT_EQ(http_status_for(Status::invalid_argument("x")), 422);
  EXPECT_EQ(http_status_for(Status::not_found("x")), 404);
  EXPECT_EQ(http_status_for(Status::already_exists("x")), 409);
  EXPECT_EQ(http_status_for(Status::failed_precondition("x")), 400);
  EXPECT_EQ(http_status_for(Status::io_error("x")), 500);
  EXPECT_EQ(http_status_for(Status::corruption("x")), 500);
}

TEST(UrlSigner, VerifiesOwnSignaturesUntilExpiry) {
  UrlSigner signer("0123456789abcdef0123456789abcdef");
  const std::string sig = signer.sign("default", "file-1", 1000);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(signer.verify("default", "file-1", 1000, sig, 999));
  EXPECT_FALSE(signer.verify("default", "file-1", 1000, sig, 1001));  // expired
  EXPECT_FALSE(signer.verify("default", "file-2", 1000, sig, 999));   // other file
  EXPECT_FALSE(signer.verify("other", "file-1", 1000, sig, 999));     // other workspace
  EXPECT_FALSE(signer.verify("default", "file-1", 2000, sig, 999));   // extended expiry
  EXPECT_FALSE(UrlSigner("another-secret-0123456789").verify("default", "file-1", 1000, sig, 999));
}

}  // namespace
}  // namespace winnow::api
