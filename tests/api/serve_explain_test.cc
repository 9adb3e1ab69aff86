// POST /v1/winnow/explain and the long-text "aggregate" field, over real HTTP against a model
// trained by a real job.
#include <gtest/gtest.h>

#include "serve_test_util.h"

namespace winnow::testing {
namespace {

// Like moderation_jsonl, but with texts of 5 to 64 words: a model learns that one insult in a
// long comment is toxic (as from real comments), which reading long posts in chunks relies on.
std::string varied_length_jsonl(int n, int seed) {
  const char* toxic[] = {"idiot", "moron", "stupid", "loser"};
  const char* filler[] = {"the", "news", "today", "about", "city", "council", "vote", "was"};
  std::string out;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  for (int i = 0; i < n; ++i) {
    std::string text;
    const unsigned words = 5 + next() % 60;
    const unsigned insult_at = next() % words;
    std::string labels = R"(["safe"])";
    for (unsigned w = 0; w < words; ++w) {
      text += std::string(filler[next() % 8]) + " ";
      if (i % 2 == 1 && w == insult_at) text += std::string(toxic[next() % 4]) + " ";
    }
    if (i % 2 == 1) labels = R"(["toxicity", "insult"])";
    out += R"({"text": ")" + text + R"(", "labels": {"moderation": )" + labels + "}}\n";
  }
  return out;
}

class ServeExplain : public ServeTest {
 protected:
  // Trains a linear model through a real job; returns its id.
  std::string trained_model() {
    const std::string train = upload("training_file.jsonl", varied_length_jsonl(400, 1))["id"];
    const std::string valid = upload("validation_file.jsonl", varied_length_jsonl(80, 2))["id"];
    const nlohmann::json req = {
        {"model", "winnow-linear"},    {"training_files", {{{"file_id", train}, {"weight", 1}}}},
        {"validation_files", {valid}}, {"auto_start", true},
        {"job_type", "classifier"},    {"hyperparameters", {{"training_steps", 60}}}};
    auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
    EXPECT_TRUE(created);
    if (!created || created->status != 200) return "";
    const nlohmann::json job =
        wait_job(json_of(created)["id"], {"QUEUED", "VALIDATING", "VALIDATED", "RUNNING"});
    EXPECT_EQ(job["status"], "SUCCESS") << job.dump();
    return job.value("fine_tuned_model", "");
  }

  httplib::Result post(const nlohmann::json& body, const char* path = "/v1/winnow/explain") {
    return client().Post(path, body.dump(), "application/json");
  }
};

TEST_F(ServeExplain, SpansPointAtTheWordsThatRaisedTheScore) {
  const std::string model = trained_model();
  ASSERT_FALSE(model.empty());
  const std::string text = "the city council vote was today, you moron";
  auto r = post({{"model", model}, {"input", {text, "the news about the vote"}}, {"top_k", 3}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const nlohmann::json body = json_of(r);
  ASSERT_EQ(body["results"].size(), 2u) << r->body;
  EXPECT_EQ(body["model"], model);
  const nlohmann::json& first = body["results"][0];
  EXPECT_EQ(first["method"], "exact");
  EXPECT_EQ(first["chunks"], 1);
  // The flagged labels are explained; toxicity's top raising span is the insult, and every
  // span's offsets give back its text.
  bool saw_toxicity = false;
  for (const nlohmann::json& label : first["labels"]) {
    EXPECT_TRUE(label["flagged"].get<bool>()) << label.dump();
    EXPECT_LE(label["raised"].size(), 3u);
    for (const char* side : {"raised", "lowered"}) {
      for (const nlohmann::json& span : label[side]) {
        const size_t start = span["start"], end = span["end"];
        ASSERT_LE(end, text.size());
        EXPECT_EQ(text.substr(start, end - start), span["text"].get<std::string>());
        EXPECT_EQ(span["contribution"].get<float>() > 0, std::string(side) == "raised");
      }
    }
    if (label["label"] == "toxicity") {
      saw_toxicity = true;
      ASSERT_FALSE(label["raised"].empty()) << label.dump();
      EXPECT_EQ(label["raised"][0]["text"], "moron") << label.dump();
    }
  }
  EXPECT_TRUE(saw_toxicity) << r->body;
  // A calm text flags nothing in the multi-label head: its top label is explained instead.
  ASSERT_EQ(body["results"][1]["labels"].size(), 1u) << r->body;

  // Requested labels are explained whether flagged or not; occlusion works on any model.
  auto asked = post({{"model", model},
                     {"input", "the news about the vote"},
                     {"labels", {"moderation/toxicity"}},
                     {"method", "occlusion"}});
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->status, 200) << asked->body;
  const nlohmann::json a = json_of(asked)["results"][0];
  EXPECT_EQ(a["method"], "occlusion");
  ASSERT_EQ(a["labels"].size(), 1u);
  EXPECT_EQ(a["labels"][0]["label"], "toxicity");
  EXPECT_FALSE(a["labels"][0]["flagged"].get<bool>()) << a.dump();
}

TEST_F(ServeExplain, BadRequestsAre422InTheErrorShape) {
  const std::string model = trained_model();
  ASSERT_FALSE(model.empty());
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {{{"model", model}, {"input", ""}}, "input"},
      {{{"model", model}, {"input", "x"}, {"labels", {"nosuch"}}}, "labels"},
      {{{"model", model}, {"input", "x"}, {"top_k", 0}}, "top_k"},
      {{{"model", model}, {"input", "x"}, {"top_k", 101}}, "top_k"},
      {{{"model", model}, {"input", "x"}, {"method", "magic"}}, "method"},
      {{{"model", model}, {"input", "x"}, {"aggregate", "median"}}, "aggregate"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body.dump() << " -> " << r->body;
    const nlohmann::json err = json_of(r);
    ASSERT_TRUE(err["detail"].is_array()) << r->body;
    EXPECT_EQ(err["detail"][0]["loc"][1], field) << r->body;
  }
  auto unknown = post({{"model", "ft:classifier:nosuch"}, {"input", "x"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  auto classify_bad =
      post({{"model", model}, {"input", "x"}, {"aggregate", 3}}, "/v1/classifications");
  ASSERT_TRUE(classify_bad);
  EXPECT_EQ(classify_bad->status, 422) << classify_bad->body;
}

TEST_F(ServeExplain, LongPostsAreReadInChunksAndExplainedWhereTheyFire) {
  const std::string model = trained_model();
  ASSERT_FALSE(model.empty());
  // ~200 KB of calm words, then the insult at the very end.
  std::string text;
  while (text.size() < 200'000) text += "the news about the city council vote was today ";
  text += "you moron";
  auto r = post({{"model", model}, {"input", text}}, "/v1/classifications");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 500);
  const float max_score = json_of(r)["results"][0]["moderation"]["scores"]["toxicity"];
  EXPECT_GT(max_score, 0.5f) << r->body;
  auto mean =
      post({{"model", model}, {"input", text}, {"aggregate", "mean"}}, "/v1/classifications");
  ASSERT_TRUE(mean);
  ASSERT_EQ(mean->status, 200) << mean->body.substr(0, 500);
  EXPECT_LT(json_of(mean)["results"][0]["moderation"]["scores"]["toxicity"].get<float>(),
            max_score);

  auto e = post({{"model", model}, {"input", text}, {"labels", {"toxicity"}}, {"top_k", 1}});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->status, 200) << e->body.substr(0, 500);
  const nlohmann::json res = json_of(e)["results"][0];
  EXPECT_GT(res["chunks"].get<int>(), 100);
  const nlohmann::json& label = res["labels"][0];
  ASSERT_EQ(label["chunks"].size(), 1u);  // max: the chunk that decided the score
  EXPECT_EQ(label["chunks"][0][1].get<size_t>(), text.size());
  ASSERT_EQ(label["raised"].size(), 1u);
  EXPECT_EQ(label["raised"][0]["text"], "moron");
  EXPECT_EQ(label["raised"][0]["start"].get<size_t>(), text.size() - 5);
}

}  // namespace
}  // namespace winnow::testing
