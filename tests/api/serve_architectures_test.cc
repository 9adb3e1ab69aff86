// The architectures over real HTTP: the base models /v1/models lists (one per architecture,
// plus Mistral's names as aliases of the default one), an unknown base model, an encoder job
// to SUCCESS whose model classifies (skipped when the encoder's npm package is absent), and
// `winnow serve --default-architecture`.
#include <filesystem>
#include <map>
#include <string>
#include <system_error>

#include "api/serve_test_util.h"
#include "encoder/text_encoder.h"

namespace winnow::testing {
namespace {

bool api_encoder_package_present() {
  std::error_code ec;
  return std::filesystem::exists(default_encoder_dir() + "/model.json", ec);
}

// Base model cards of GET /v1/models by id.
std::map<std::string, nlohmann::json> base_cards(httplib::Client& client) {
  std::map<std::string, nlohmann::json> out;
  auto r = client.Get("/v1/models");
  EXPECT_TRUE(r);
  if (!r) return out;
  EXPECT_EQ(r->status, 200) << r->body;
  const nlohmann::json list = nlohmann::json::parse(r->body, nullptr, false);
  EXPECT_EQ(list["object"], "list");
  for (const nlohmann::json& card : list["data"]) {
    if (card["type"] == "base") out[card["id"].get<std::string>()] = card;
  }
  return out;
}

using ServeArchitectures = ServeTest;

TEST_F(ServeArchitectures, ModelsListsOneBaseModelPerArchitectureAndTheAliases) {
  const std::map<std::string, nlohmann::json> cards = base_cards(client());
  ASSERT_EQ(cards.size(), 4u);
  ASSERT_TRUE(cards.count("winnow-linear"));
  ASSERT_TRUE(cards.count("winnow-encoder"));
  ASSERT_TRUE(cards.count("ministral-3b-latest"));
  ASSERT_TRUE(cards.count("ministral-8b-latest"));
  EXPECT_EQ(cards.at("winnow-linear")["architecture"], "linear");
  EXPECT_EQ(cards.at("winnow-encoder")["architecture"], "encoder");
  EXPECT_EQ(cards.at("ministral-3b-latest")["architecture"], "linear");
  EXPECT_EQ(cards.at("ministral-8b-latest")["architecture"], "linear");
  for (const auto& [id, card] : cards) {
    EXPECT_EQ(card["object"], "model") << id;
    EXPECT_EQ(card["capabilities"]["fine_tuning"], true) << id;
    EXPECT_TRUE(card["description"].is_string()) << id;
    EXPECT_FALSE(card["description"].get<std::string>().empty()) << id;
  }
  // One card by id, and the list filtered to it.
  auto one = client().Get("/v1/models/winnow-encoder");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200) << one->body;
  EXPECT_EQ(json_of(one)["architecture"], "encoder");
  auto filtered = client().Get("/v1/models?model=winnow-encoder");
  ASSERT_TRUE(filtered);
  ASSERT_EQ(filtered->status, 200);
  ASSERT_EQ(json_of(filtered)["data"].size(), 1u);
  EXPECT_EQ(json_of(filtered)["data"][0]["id"], "winnow-encoder");
}

TEST_F(ServeArchitectures, DefaultArchitectureRedirectsTheAliases) {
  start({"--api-key", kKey, "--default-architecture", "encoder"});
  const std::map<std::string, nlohmann::json> cards = base_cards(client());
  ASSERT_TRUE(cards.count("ministral-3b-latest"));
  EXPECT_EQ(cards.at("ministral-3b-latest")["architecture"], "encoder");
  EXPECT_EQ(cards.at("ministral-8b-latest")["architecture"], "encoder");
  EXPECT_EQ(cards.at("winnow-linear")["architecture"], "linear");
}

TEST_F(ServeArchitectures, UnknownBaseModelIs422ListingTheAvailableOnes) {
  const std::string train = upload("training_file.jsonl", moderation_jsonl(20, 1))["id"];
  const nlohmann::json req = {{"model", "nosuch"},
                              {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                              {"job_type", "classifier"},
                              {"hyperparameters", {{"training_steps", 5}}}};
  auto r = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  const nlohmann::json body = json_of(r);
  ASSERT_TRUE(body["detail"].is_string()) << r->body;  // the spec's semantic-rejection shape
  const std::string detail = body["detail"];
  EXPECT_EQ(detail.rfind("Model not available for this type of fine-tuning", 0), 0u) << detail;
  for (const char* name : {"nosuch", "winnow-linear", "winnow-encoder", "ministral-3b-latest"}) {
    EXPECT_NE(detail.find(name), std::string::npos) << name << ": " << detail;
  }
  // Nothing was created.
  auto list = client().Get("/v1/fine_tuning/jobs");
  ASSERT_TRUE(list);
  EXPECT_EQ(json_of(list)["total"], 0) << list->body;
}

TEST_F(ServeArchitectures, EncoderJobSucceedsAndItsModelClassifies) {
  if (!api_encoder_package_present()) {
    GTEST_SKIP() << "needs the encoder's npm package (scripts/setup.sh): " << default_encoder_dir()
                 << " is absent";
  }
  const std::string train = upload("training_file.jsonl", moderation_jsonl(120, 1))["id"];
  const std::string valid = upload("validation_file.jsonl", moderation_jsonl(30, 2))["id"];
  const nlohmann::json req = {
      {"model", "winnow-encoder"},   {"training_files", {{{"file_id", train}, {"weight", 1}}}},
      {"validation_files", {valid}}, {"auto_start", true},
      {"job_type", "classifier"},    {"hyperparameters", {{"training_steps", 10}}}};
  auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string id = json_of(created)["id"];
  const nlohmann::json job = wait_job(id, {"QUEUED", "VALIDATING", "VALIDATED", "RUNNING"});
  ASSERT_EQ(job["status"], "SUCCESS") << job.dump();
  ASSERT_TRUE(job["fine_tuned_model"].is_string()) << job.dump();
  const std::string model = job["fine_tuned_model"];
  EXPECT_EQ(model.rfind("ft:classifier:winnow-encoder:", 0), 0u) << model;

  const nlohmann::json classify = {{"model", model},
                                   {"input", {"you stupid idiot", "the city council vote"}}};
  auto r = client().Post("/v1/classifications", classify.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const nlohmann::json res = json_of(r);
  ASSERT_EQ(res["results"].size(), 2u) << r->body;
  const float toxic = res["results"][0]["moderation"]["scores"]["toxicity"].get<float>();
  const float calm = res["results"][1]["moderation"]["scores"]["toxicity"].get<float>();
  EXPECT_GT(toxic, calm) << r->body;

  // Its card names the base model it came from.
  auto models = client().Get("/v1/models");
  ASSERT_TRUE(models);
  bool listed = false;
  const nlohmann::json cards = json_of(models);
  for (const nlohmann::json& card : cards["data"]) {
    if (card["id"] == model) listed = card["root"] == "winnow-encoder";
  }
  EXPECT_TRUE(listed) << models->body;
}

TEST(ServeArchitecturesStartup, UnknownDefaultArchitectureIsAUsageError) {
  TempDir dir;
  CommandResult r = run_command(std::string(WINNOW_BINARY) + " serve --port 0 --api-key k " +
                                "--data-dir " + dir.file("d") + " --default-architecture nosuch");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("linear"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("encoder"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace winnow::testing
