// GET /v1/winnow/models/{id}/bias-audit over real HTTP: a job whose validation file carries
// identity values (metadata.identity) yields a model with a stored audit, served as training
// stored it, which is what `winnow eval --identity-columns all` computes on the model file and
// the same validation file; a job without identities yields a 404 in the API's error shape.
#include <filesystem>
#include <vector>

#include "api/serve_test_util.h"

namespace winnow::testing {
namespace {

std::string colons_encoded(std::string id) {
  for (size_t p = id.find(':'); p != std::string::npos; p = id.find(':', p))
    id.replace(p, 1, "%3A");
  return id;
}

// A moderation set where every third text mentions "muslim" (identity 1.0) and every fifth is
// annotated female (0.7, or 0.3 = not a member), the others 0; every eleventh is unannotated.
struct IdentitySet {
  std::string jsonl;
  int muslim = 0, female = 0;  // subgroup members
};

IdentitySet identity_jsonl(int n) {
  const char* toxic[] = {"idiot", "moron", "stupid", "loser"};
  const char* filler[] = {"the", "news", "today", "about", "city", "council", "vote", "was"};
  IdentitySet out;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 5; ++w) text += std::string(filler[(i * 7 + w * 3) % 8]) + " ";
    const bool is_toxic = i % 2 == 1;
    if (is_toxic) text += toxic[i % 4];
    nlohmann::json identity;
    if (i % 11 == 10) {
      identity = {{"muslim", nullptr}, {"female", nullptr}};
    } else {
      const bool muslim = i % 3 == 0;
      const bool female = i % 5 == 0 && i % 10 != 5;
      if (muslim) text += " muslim";
      identity = {{"muslim", muslim ? 1.0 : 0.0},
                  {"female", female ? 0.7 : (i % 5 == 0 ? 0.3 : 0.0)}};
      out.muslim += muslim ? 1 : 0;
      out.female += female ? 1 : 0;
    }
    nlohmann::json labels =
        is_toxic ? nlohmann::json::array({"toxicity", "insult"}) : nlohmann::json::array({"safe"});
    out.jsonl += nlohmann::json{{"text", text},
                                {"labels", {{"moderation", labels}}},
                                {"metadata", {{"identity", identity}}}}
                     .dump() +
                 "\n";
  }
  return out;
}

class ServeBiasAudit : public ServeTest {
 protected:
  // Runs a job (auto-started) to SUCCESS and returns the model id.
  std::string train_job(const std::string& validation_content) {
    const std::string train = upload("training_file.jsonl", moderation_jsonl(120, 1))["id"];
    const std::string valid = upload("validation_file.jsonl", validation_content)["id"];
    nlohmann::json req = {{"model", "ministral-3b-latest"},
                          {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                          {"validation_files", {valid}},
                          {"auto_start", true},
                          {"job_type", "classifier"},
                          {"hyperparameters", {{"training_steps", 20}, {"learning_rate", 5e-05}}}};
    auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
    EXPECT_TRUE(created);
    if (!created) return {};
    EXPECT_EQ(created->status, 200) << created->body;
    const nlohmann::json job =
        wait_job(json_of(created)["id"], {"QUEUED", "VALIDATING", "VALIDATED", "RUNNING"});
    EXPECT_EQ(job["status"], "SUCCESS") << job.dump();
    return job["fine_tuned_model"].is_string() ? job["fine_tuned_model"].get<std::string>()
                                               : std::string();
  }

  // The one model file the server's data dir holds.
  std::string model_file() {
    std::vector<std::string> found;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.file("data"))) {
      if (e.is_regular_file() && e.path().extension() == ".winnow") found.push_back(e.path());
    }
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? std::string() : found[0];
  }
};

TEST_F(ServeBiasAudit, ServesTheAuditTrainingStoredAsEvalComputesIt) {
  const IdentitySet set = identity_jsonl(220);
  ASSERT_GT(set.muslim, 0);
  ASSERT_GT(set.female, 0);
  const std::string model = train_job(set.jsonl);
  ASSERT_FALSE(model.empty());

  auto r = client().Get("/v1/winnow/models/" + colons_encoded(model) + "/bias-audit");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const nlohmann::json body = json_of(r);
  EXPECT_EQ(body["model"], model);
  EXPECT_TRUE(body["job"].is_string());
  ASSERT_EQ(body["bias_audit"].size(), 1u) << r->body;
  const nlohmann::json& audit = body["bias_audit"][0];
  EXPECT_EQ(audit["head"], "moderation");
  EXPECT_EQ(audit["samples"], 220);
  // First-appearance order of the file's keys (nlohmann's dump above sorts them).
  EXPECT_EQ(audit["identities"], nlohmann::json::array({"female", "muslim"}));
  ASSERT_FALSE(audit["labels"].empty());
  for (const auto& l : audit["labels"]) {
    ASSERT_EQ(l["subgroups"].size(), 2u);
    EXPECT_EQ(l["subgroups"][0]["name"], "female");
    EXPECT_EQ(l["subgroups"][0]["size"], set.female);
    EXPECT_EQ(l["subgroups"][0]["averaged"], false);  // under the default minimum of 100
    EXPECT_EQ(l["subgroups"][1]["name"], "muslim");
    EXPECT_EQ(l["subgroups"][1]["size"], set.muslim);
  }

  // The same numbers as `winnow eval` on the served model file and the same validation data.
  write_file(dir_.file("validation.jsonl"), set.jsonl);
  CommandResult e = run_command(kWinnow + " eval " + model_file() + " " +
                                dir_.file("validation.jsonl") + " --identity-columns all --json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(body["bias_audit"], nlohmann::json::parse(e.out)["bias_audit"]);

  // Listed in the OpenAPI document with its schema.
  auto doc = client().Get("/v1/openapi.json");
  ASSERT_TRUE(doc);
  const nlohmann::json openapi = json_of(doc);
  EXPECT_TRUE(openapi["paths"].contains("/v1/winnow/models/{model_id}/bias-audit"));
  EXPECT_TRUE(openapi["components"]["schemas"].contains("BiasAudit"));
}

TEST_F(ServeBiasAudit, AModelWithoutAnAuditOrNoModelIs404WithADetail) {
  const std::string model = train_job(moderation_jsonl(30, 2));
  ASSERT_FALSE(model.empty());
  auto r = client().Get("/v1/winnow/models/" + colons_encoded(model) + "/bias-audit");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << r->body;
  const nlohmann::json body = json_of(r);
  ASSERT_TRUE(body["detail"].is_string()) << r->body;
  EXPECT_NE(body["detail"].get<std::string>().find("--identity-columns"), std::string::npos);
  // The model's metrics are unaffected.
  auto metrics = client().Get("/v1/winnow/models/" + colons_encoded(model) + "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200) << metrics->body;

  auto unknown = client().Get("/v1/winnow/models/ft%3Aclassifier%3Anope/bias-audit");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json_of(unknown)["detail"], "Model not found");
  auto anonymous_call =
      anonymous().Get("/v1/winnow/models/" + colons_encoded(model) + "/bias-audit");
  ASSERT_TRUE(anonymous_call);
  EXPECT_EQ(anonymous_call->status, 401);
}

// A bad identity value in a validation file fails the job at validation, naming the file by its
// upload name and the line, before any training.
TEST_F(ServeBiasAudit, ABadIdentityValueFailsValidationNamingFileAndLine) {
  const std::string train = upload("training_file.jsonl", moderation_jsonl(120, 1))["id"];
  const std::string valid =
      upload("validation_file.jsonl",
             "{\"text\": \"the vote\", \"labels\": {\"moderation\": [\"safe\"]}, \"metadata\": "
             "{\"identity\": {\"muslim\": 0}}}\n"
             "{\"text\": \"you idiot\", \"labels\": {\"moderation\": [\"toxicity\"]}, "
             "\"metadata\": {\"identity\": {\"muslim\": \"yes\"}}}\n")["id"];
  nlohmann::json req = {{"model", "ministral-3b-latest"},
                        {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                        {"validation_files", {valid}},
                        {"auto_start", false},
                        {"job_type", "classifier"},
                        {"hyperparameters", {{"training_steps", 5}, {"learning_rate", 5e-05}}}};
  auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  const nlohmann::json job = wait_job(json_of(created)["id"], {"QUEUED", "VALIDATING"});
  EXPECT_EQ(job["status"], "FAILED_VALIDATION") << job.dump();
  const std::string text = job.dump();
  EXPECT_NE(text.find("validation_file.jsonl (file " + valid +
                      ") line 2: metadata.identity.muslim: expected a number in [0, 1]"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace winnow::testing
