// The tutorial's flow over real HTTP: upload, create a job (auto_start false), VALIDATED, start,
// SUCCESS, then classify / moderate with the model, manage it, and restart the server; and many
// clients at once.
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>
#include <vector>

#include "api/serve_test_util.h"

namespace winnow::testing {
namespace {

std::string encode_colons(std::string id) {
  for (size_t p = id.find(':'); p != std::string::npos; p = id.find(':', p))
    id.replace(p, 1, "%3A");
  return id;
}

class ServeJobs : public ServeTest {
 protected:
  // Runs a job to SUCCESS and returns the model id.
  std::string train_model() {
    const std::string train = upload("training_file.jsonl", moderation_jsonl(120, 1))["id"];
    const std::string valid = upload("validation_file.jsonl", moderation_jsonl(30, 2))["id"];
    valid_id_ = valid;
    nlohmann::json req = {{"model", "ministral-3b-latest"},
                          {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                          {"validation_files", {valid}},
                          {"auto_start", false},
                          {"invalid_sample_skip_percentage", 0},
                          {"job_type", "classifier"},
                          {"hyperparameters", {{"training_steps", 20}, {"learning_rate", 5e-05}}}};
    auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
    EXPECT_TRUE(created);
    if (!created) return {};
    EXPECT_EQ(created->status, 200) << created->body;
    nlohmann::json job = json_of(created);
    EXPECT_EQ(job["job_type"], "classifier");
    EXPECT_EQ(job["status"], "QUEUED");
    EXPECT_EQ(job["training_files"], nlohmann::json::array({train}));
    EXPECT_TRUE(job["created_at"].is_number_integer());
    const std::string id = job["id"];
    job_id_ = id;

    job = wait_job(id, {"QUEUED", "VALIDATING"});
    EXPECT_EQ(job["status"], "VALIDATED") << job.dump();
    EXPECT_FALSE(job["classifier_targets"].empty());
    auto early = client().Post("/v1/fine_tuning/jobs/" + id + "/start");
    EXPECT_TRUE(early);
    EXPECT_EQ(early->status, 200) << early->body;
    job = wait_job(id, {"QUEUED", "RUNNING"});
    EXPECT_EQ(job["status"], "SUCCESS") << job.dump();
    EXPECT_FALSE(job["checkpoints"].empty());
    if (!job["fine_tuned_model"].is_string()) return {};
    return job["fine_tuned_model"];
  }
  std::string job_id_;
  std::string valid_id_;
};

TEST_F(ServeJobs, TrainClassifyModerateManageAndRestart) {
  const std::string model = train_model();
  ASSERT_EQ(model.rfind("ft:classifier:ministral-3b-latest:", 0), 0u) << model;

  // Starting a finished job is an illegal transition.
  auto again = client().Post("/v1/fine_tuning/jobs/" + job_id_ + "/start");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);

  // C1: a string input is a list of one; scores keyed by head then label.
  nlohmann::json req = {{"model", model}, {"input", {"you stupid idiot", "the city council vote"}}};
  auto c = client().Post("/v1/classifications", req.dump(), "application/json");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, 200) << c->body;
  EXPECT_EQ(c->get_header_value("Content-Type"), "application/json");
  nlohmann::json res = json_of(c);
  EXPECT_EQ(res["model"], model);
  EXPECT_EQ(res["id"].get<std::string>().size(), 32u);
  ASSERT_EQ(res["results"].size(), 2u);
  EXPECT_GT(res["results"][0]["moderation"]["scores"]["toxicity"].get<double>(),
            res["results"][1]["moderation"]["scores"]["toxicity"].get<double>());

  // C2: chat input.
  nlohmann::json chat = {
      {"model", model},
      {"input",
       {{{"messages",
          {{{"role", "user"}, {"content", "you moron"}},
           {{"role", "assistant"}, {"content", "hello"}, {"prefix", false}}}}}}}};
  auto cc = client().Post("/v1/chat/classifications", chat.dump(), "application/json");
  ASSERT_TRUE(cc);
  ASSERT_EQ(cc->status, 200) << cc->body;
  EXPECT_EQ(json_of(cc)["results"].size(), 1u);

  // C3 / C4: categories flattened (one head: just the label), booleans from thresholds.
  auto m = client().Post("/v1/moderations",
                         nlohmann::json({{"model", model}, {"input", "you idiot"}}).dump(),
                         "application/json");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200) << m->body;
  nlohmann::json mod = json_of(m)["results"][0];
  EXPECT_TRUE(mod["categories"]["toxicity"].is_boolean());
  EXPECT_TRUE(mod["category_scores"]["toxicity"].is_number());
  nlohmann::json mchat = {{"model", model},
                          {"input", {{{"role", "user"}, {"content", "you idiot"}}}}};
  auto mc = client().Post("/v1/chat/moderations", mchat.dump(), "application/json");
  ASSERT_TRUE(mc);
  EXPECT_EQ(mc->status, 200) << mc->body;

  // 422 array form for bad classify bodies; 404 for unknown models.
  auto empty =
      client().Post("/v1/classifications",
                    nlohmann::json({{"model", model}, {"input", nlohmann::json::array()}}).dump(),
                    "application/json");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
  EXPECT_TRUE(json_of(empty)["detail"].is_array());
  EXPECT_EQ(json_of(empty)["detail"][0]["loc"], nlohmann::json({"body", "input"}));
  auto missing = client().Post("/v1/classifications", nlohmann::json({{"model", model}}).dump(),
                               "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(json_of(missing)["detail"][0]["type"], "missing");
  auto unknown =
      client().Post("/v1/moderations",
                    nlohmann::json({{"model", "mistral-moderation-latest"}, {"input", "x"}}).dump(),
                    "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json_of(unknown)["detail"], "Model not found");
  nlohmann::json too_many = {{"model", model}, {"input", std::vector<std::string>(513, "x")}};
  auto many = client().Post("/v1/classifications", too_many.dump(), "application/json");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->status, 422);

  // Models: list, retrieve with an encoded and a raw id, update, archive, unarchive.
  auto list = client().Get("/v1/models");
  ASSERT_TRUE(list);
  bool listed = false;
  const nlohmann::json cards = json_of(list)["data"];
  for (const auto& card : cards) {
    if (card["id"] == model) listed = card["type"] == "fine-tuned" && card["job"] == job_id_;
  }
  EXPECT_TRUE(listed) << list->body;
  for (const std::string& path : {"/v1/models/" + encode_colons(model), "/v1/models/" + model}) {
    auto got = client().Get(path);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 200) << path << " " << got->body;
    EXPECT_EQ(json_of(got)["id"], model);
  }
  auto patched = client().Patch("/v1/fine_tuning/models/" + encode_colons(model),
                                R"({"name": "toxicity-v1", "description": "moderation heads"})",
                                "application/json");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(json_of(patched)["model_type"], "classifier");
  EXPECT_EQ(json_of(patched)["name"], "toxicity-v1");
  EXPECT_EQ(json_of(patched)["capabilities"]["completion_chat"], false);
  auto archived = client().Post("/v1/fine_tuning/models/" + encode_colons(model) + "/archive");
  ASSERT_TRUE(archived);
  EXPECT_EQ(json_of(archived)["archived"], true);
  auto unarchived = client().Delete("/v1/fine_tuning/models/" + encode_colons(model) + "/archive");
  ASSERT_TRUE(unarchived);
  EXPECT_EQ(json_of(unarchived)["archived"], false);

  // Extension: metrics on the job's validation files.
  auto metrics = client().Get("/v1/winnow/models/" + encode_colons(model) + "/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200) << metrics->body;
  EXPECT_EQ(json_of(metrics)["heads"][0]["head"], "moderation");
  EXPECT_TRUE(json_of(metrics)["curves"].contains("moderation/toxicity"));

  // Restart: files, jobs and models survive; the model still classifies.
  server_->stop();
  start();
  auto files = client().Get("/v1/files");
  ASSERT_TRUE(files);
  EXPECT_EQ(json_of(files)["total"], 2);
  auto after = client().Post("/v1/classifications", req.dump(), "application/json");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
  auto job = client().Get("/v1/fine_tuning/jobs/" + job_id_);
  ASSERT_TRUE(job);
  EXPECT_EQ(json_of(job)["status"], "SUCCESS");
  // The finished job's working copy is gone but for its validation file, which the metrics
  // (computed afresh by the new process) still read.
  const std::string job_dir = dir_.file("data/jobs/" + job_id_);
  EXPECT_EQ(dir_entries(job_dir), std::vector<std::string>{"files"});
  EXPECT_EQ(dir_entries(job_dir + "/files"), std::vector<std::string>{valid_id_});
  auto metrics_after = client().Get("/v1/winnow/models/" + encode_colons(model) + "/metrics");
  ASSERT_TRUE(metrics_after);
  EXPECT_EQ(metrics_after->status, 200) << metrics_after->body;
  EXPECT_EQ(metrics_after->body, metrics->body);

  // Delete: classify then answers 404.
  auto del = client().Delete("/v1/models/" + encode_colons(model));
  ASSERT_TRUE(del);
  EXPECT_EQ(json_of(del), nlohmann::json({{"id", model}, {"object", "model"}, {"deleted", true}}));
  auto gone = client().Post("/v1/classifications", req.dump(), "application/json");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
}

// Many clients at once (the ThreadSanitizer run's main load on the server: HTTP threads sharing
// the store, the model cache and the metrics while a job worker validates): every answer is the
// one a lone client gets, and no upload is lost.
TEST_F(ServeJobs, ConcurrentClientsGetTheAnswersOfALoneClient) {
  const std::string model = train_model();
  ASSERT_FALSE(model.empty());
  const nlohmann::json req = {{"model", model},
                              {"input", {"you stupid idiot", "the city council vote"}}};
  auto alone = client().Post("/v1/classifications", req.dump(), "application/json");
  ASSERT_TRUE(alone);
  ASSERT_EQ(alone->status, 200) << alone->body;
  const nlohmann::json expected = json_of(alone)["results"];
  const std::string train = upload("second_training_file.jsonl", moderation_jsonl(60, 3))["id"];

  constexpr int kClients = 6, kRounds = 4;
  std::vector<std::vector<std::string>> problems(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client http("127.0.0.1", server_->port());
      http.set_read_timeout(60, 0);
      http.set_default_headers({{"Authorization", "Bearer " + kKey}});
      auto check = [&](const httplib::Result& r, const std::string& what) {
        if (!r)
          problems[c].push_back(what + ": no answer");
        else if (r->status != 200)
          problems[c].push_back(what + ": " + std::to_string(r->status) + " " + r->body);
        return r && r->status == 200;
      };
      for (int round = 0; round < kRounds; ++round) {
        auto classified = http.Post("/v1/classifications", req.dump(), "application/json");
        if (check(classified, "classify") && json_of(classified)["results"] != expected) {
          problems[c].push_back("classify: " + classified->body);
        }
        const std::string name = "c" + std::to_string(c) + "-r" + std::to_string(round) + ".jsonl";
        httplib::MultipartFormDataItems items = {
            {"file", "{\"text\": \"" + name + "\", \"labels\": {\"l\": \"a\"}}\n", name,
             "application/octet-stream"}};
        check(http.Post("/v1/files", items), "upload " + name);
        check(http.Get("/v1/files?page_size=5"), "list files");
        check(http.Get("/metrics"), "metrics");
        check(http.Get("/v1/models"), "list models");
      }
    });
  }
  // Meanwhile a job is validated by the worker, then cancelled.
  nlohmann::json job_req = {{"model", "ministral-3b-latest"},
                            {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                            {"auto_start", false},
                            {"hyperparameters", {{"training_steps", 10}}}};
  auto created = client().Post("/v1/fine_tuning/jobs", job_req.dump(), "application/json");
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string second = json_of(created)["id"];
  auto cancelled = client().Post("/v1/fine_tuning/jobs/" + second + "/cancel");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(wait_job(second, {"CANCELLATION_REQUESTED"})["status"], "CANCELLED");

  for (int c = 0; c < kClients; ++c)
    EXPECT_THAT(problems[c], ::testing::IsEmpty()) << "client " << c;
  auto files = client().Get("/v1/files");
  ASSERT_TRUE(files);
  EXPECT_EQ(json_of(files)["total"], 3 + kClients * kRounds);
}

TEST_F(ServeJobs, JobErrors) {
  auto unknown = client().Get("/v1/fine_tuning/jobs/5b1f0c2e-7d4a-4f3b-9a61-0c8e2d7f4a19");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json_of(unknown)["detail"], "No fine tuning job matches the given query.");

  auto no_files = client().Post(
      "/v1/fine_tuning/jobs",
      R"({"model": "ministral-3b-latest", "hyperparameters": {"learning_rate": 1e-4}, "training_files": []})",
      "application/json");
  ASSERT_TRUE(no_files);
  EXPECT_EQ(no_files->status, 422);
  EXPECT_EQ(json_of(no_files)["detail"][0]["loc"], nlohmann::json({"body", "job_in"}));

  auto completion = client().Post(
      "/v1/fine_tuning/jobs",
      R"({"model": "ministral-3b-latest", "job_type": "completion", "hyperparameters": {}, "training_files": ["x"]})",
      "application/json");
  ASSERT_TRUE(completion);
  EXPECT_EQ(completion->status, 422);
  EXPECT_EQ(json_of(completion)["detail"],
            "Model not available for this type of fine-tuning (completion).");

  auto missing_file = client().Post(
      "/v1/fine_tuning/jobs",
      R"({"model": "ministral-3b-latest", "hyperparameters": {}, "training_files": ["3f9a6c10-52d7-4b8e-9c1a-6e0f2b7d8a41"]})",
      "application/json");
  ASSERT_TRUE(missing_file);
  EXPECT_EQ(missing_file->status, 404) << missing_file->body;

  auto bad_json = client().Post("/v1/fine_tuning/jobs", "{not json", "application/json");
  ASSERT_TRUE(bad_json);
  EXPECT_EQ(bad_json->status, 422);

  auto list =
      client().Get("/v1/fine_tuning/jobs?created_by_me=false&page=0&page_size=10&status=RUNNING");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(json_of(list)["total"], 0);
  EXPECT_EQ(json_of(list)["object"], "list");
  auto bad_status = client().Get("/v1/fine_tuning/jobs?status=NOPE");
  ASSERT_TRUE(bad_status);
  EXPECT_EQ(bad_status->status, 422);
}

}  // namespace
}  // namespace winnow::testing
