// `winnow classify --explain`, long texts and `winnow eval --spans`, driven as a user would:
// models trained by `winnow train` on generated comments, checked against what the outputs
// must satisfy (exact decomposition of the logit, offsets that give back the text, chunking
// that finds an insult at the end of a long post).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow::testing {
namespace {

// Comments of 5..32 calm words; every other one holds one insult somewhere (labels
// toxicity + insult) and the rest are "safe". Multi-label head "moderation".
std::string comments_jsonl(int n, unsigned seed) {
  const char* toxic[] = {"idiot", "moron", "stupid", "loser"};
  const char* filler[] = {"the",  "news", "today",  "about", "city",   "council",
                          "vote", "was",  "thanks", "for",   "article"};
  std::string out;
  unsigned state = seed * 2654435761u + 1;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  for (int i = 0; i < n; ++i) {
    std::string text;
    const unsigned words = 5 + next() % 28;
    const unsigned insult_at = next() % words;
    for (unsigned w = 0; w < words; ++w) {
      text += std::string(filler[next() % 11]) + " ";
      if (i % 2 == 1 && w == insult_at) text += std::string(toxic[next() % 4]) + ", ";
    }
    const char* labels = i % 2 == 1 ? R"(["toxicity", "insult"])" : R"(["safe"])";
    out += R"({"text": ")" + text + R"(", "labels": {"moderation": )" + labels + "}}\n";
  }
  return out;
}

class Explain : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("train.jsonl"), comments_jsonl(400, 1));
    write_file(dir_.file("valid.jsonl"), comments_jsonl(100, 2));
  }
  // Trains dir/<name> with extra options; fails the test on error.
  std::string train(const std::string& name, const std::string& extra = "") {
    const std::string out = dir_.file(name);
    CommandResult r = run_command(kWinnow + " train --train " + dir_.file("train.jsonl") +
                                  " --validation " + dir_.file("valid.jsonl") + " --out " + out +
                                  " --training-steps 80 --quiet " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  nlohmann::json explain(const std::string& model, const std::string& text,
                         const std::string& extra = "") {
    write_file(dir_.file("text.txt"), text + "\n");
    CommandResult r = run_command(kWinnow + " classify " + model + " --explain --top-k 1000 " +
                                  extra + " --input-format text < " + dir_.file("text.txt"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  // The toxicity score of `text`, and whether the model flags it (its tuned threshold).
  std::pair<float, bool> score(const std::string& model, const std::string& text,
                               const std::string& extra = "") {
    write_file(dir_.file("text.txt"), text + "\n");
    CommandResult r = run_command(kWinnow + " classify " + model + " --flags " + extra +
                                  " --input-format text < " + dir_.file("text.txt"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false)["moderation"];
    const auto& flags = j["flags"];
    return {j["scores"]["toxicity"].get<float>(),
            std::find(flags.begin(), flags.end(), "toxicity") != flags.end()};
  }
  TempDir dir_;
};

TEST_F(Explain, ExactSpansAddUpToTheLogitAndPointIntoTheText) {
  const std::string model = train("m.winnow");
  const std::string text = "Thanks for the article about the vote,\tyou MORON!!";
  const nlohmann::json e = explain(model, text, "--explain-label toxicity --explain-label safe");
  ASSERT_EQ(e["method"], "exact");
  ASSERT_EQ(e["labels"].size(), 2u) << e.dump();
  for (const nlohmann::json& label : e["labels"]) {
    double sum = label["base"].get<double>();
    for (const char* side : {"raised", "lowered"}) {
      for (const nlohmann::json& s : label[side]) {
        const size_t b = s["start"], end = s["end"];
        ASSERT_LE(end, text.size());
        EXPECT_EQ(text.substr(b, end - b), s["text"].get<std::string>());
        sum += s["contribution"].get<double>();
      }
    }
    // Linear model: base (the bias) + every span's contribution = the logit of the score.
    const double value = label["value"];
    EXPECT_NEAR(sum, value, 1e-4) << label.dump();
    const double p = label["score"];
    EXPECT_NEAR(value, std::log(p / (1 - p)), 1e-3) << label.dump();
  }
  const nlohmann::json& toxicity = e["labels"][0];
  ASSERT_EQ(toxicity["label"], "toxicity");
  EXPECT_TRUE(toxicity["flagged"].get<bool>()) << toxicity.dump();
  EXPECT_EQ(toxicity["raised"][0]["text"], "MORON") << toxicity.dump();
  // Punctuation runs are units of their own; spaces and tabs belong to none.
  for (const char* side : {"raised", "lowered"}) {
    for (const nlohmann::json& s : toxicity[side]) {
      const std::string t = s["text"];
      EXPECT_EQ(t.find_first_of(" \t"), std::string::npos) << t;
    }
  }
  // Occlusion agrees on what matters most.
  const nlohmann::json o =
      explain(model, text, "--explain-label toxicity --explain-method occlusion");
  ASSERT_EQ(o["method"], "occlusion");
  EXPECT_EQ(o["labels"][0]["raised"][0]["text"], "MORON") << o.dump();
}

TEST_F(Explain, AnInsultAtTheEndOfALongPostIsFlaggedAndExplained) {
  const std::string chunked = train("chunked.winnow");
  const std::string whole = train("whole.winnow", "--window-words 0");
  std::string text;
  while (text.size() < 200'000) text += "thanks for the article about the city council vote. ";
  text += "you moron";
  EXPECT_FALSE(score(chunked, "thanks for the article about the city council vote.").second);
  const auto [chunked_score, flagged] = score(chunked, text);
  EXPECT_TRUE(flagged) << chunked_score;
  // Read whole, the insult drowns in the post: what chunking is for.
  const auto [whole_score, whole_flagged] = score(whole, text);
  EXPECT_FALSE(whole_flagged) << whole_score;
  // mean over chunks is selectable per call and is lower than max.
  EXPECT_LT(score(chunked, text, "--aggregate mean").first, chunked_score);

  const nlohmann::json e = explain(chunked, text, "--explain-label toxicity");
  EXPECT_GT(e["chunks"].get<int>(), 50);
  const nlohmann::json& label = e["labels"][0];
  ASSERT_EQ(label["chunks"].size(), 1u);
  EXPECT_EQ(label["chunks"][0][1].get<size_t>(), text.size());
  EXPECT_EQ(label["raised"][0]["text"], "moron");
  EXPECT_EQ(label["raised"][0]["start"].get<size_t>(), text.size() - 5);

  // `safe` was given exactly when no other label was: the trainer records it as the head's none
  // label, and a post is safe only if every chunk is, so it takes the lowest chunk's score and
  // the long post is not flagged both safe and toxic.
  write_file(dir_.file("text.txt"), text + "\n");
  CommandResult c = run_command(kWinnow + " classify " + chunked +
                                " --flags --input-format text < " + dir_.file("text.txt"));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const nlohmann::json m = nlohmann::json::parse(c.out)["moderation"];
  EXPECT_LT(m["scores"]["safe"].get<float>(), 0.5f) << m.dump();
  EXPECT_EQ(std::count(m["flags"].begin(), m["flags"].end(), "safe"), 0) << m.dump();
  const nlohmann::json safe = explain(chunked, text, "--explain-label safe")["labels"][0];
  ASSERT_EQ(safe["chunks"].size(), 1u);
  EXPECT_EQ(safe["chunks"][0][1].get<size_t>(), text.size()) << "the chunk that made it unsafe";
  EXPECT_EQ(safe["lowered"][0]["text"], "moron") << safe.dump();
}

TEST_F(Explain, EvalSpansScoresCharacterF1AgainstGoldSpans) {
  const std::string model = train("m.winnow");
  // Only the strongest word of a flagged post: the insult.
  const std::string kRule =
      " --span-only-flagged --span-min-contribution 0.01 --span-min-share 0.95";
  // Two posts: the insult's code-point span (after a 2-byte character), and a calm post with
  // no gold span.
  const std::string a = "caf\xc3\xa9 news about the vote you idiot";
  const std::string b = "thanks for the article about the vote";
  write_file(dir_.file("test.jsonl"),
             nlohmann::json{{"text", a}, {"labels", {{"moderation", {"toxicity"}}}}}.dump() + "\n" +
                 nlohmann::json{{"text", b}, {"labels", {{"moderation", {"safe"}}}}}.dump() + "\n");
  // "idiot" starts at code point 29 (byte 30).
  write_file(dir_.file("gold.jsonl"), R"({"id": "a", "spans": [[29, 34]]})"
                                      "\n"
                                      R"({"id": "b", "spans": []})"
                                      "\n");
  CommandResult r = run_command(kWinnow + " eval " + model + " " + dir_.file("test.jsonl") +
                                " --spans " + dir_.file("gold.jsonl") + kRule + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_DOUBLE_EQ(j["span_f1"].get<double>(), 1.0) << r.out;
  EXPECT_EQ(j["spans"]["posts"], 2);
  EXPECT_EQ(j["spans"]["posts_with_gold"], 1);
  // A gold span one character off costs exactly its share of the F1.
  write_file(dir_.file("gold2.jsonl"), R"({"id": "a", "spans": [[29, 35]]})"
                                       "\n"
                                       R"({"id": "b", "spans": []})"
                                       "\n");
  r = run_command(kWinnow + " eval " + model + " " + dir_.file("test.jsonl") + " --spans " +
                  dir_.file("gold2.jsonl") + kRule + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["span_f1"].get<double>(), (1.0 + 10.0 / 11.0) / 2, 1e-9);

  // Bad gold files name the file and line; a count mismatch says so.
  write_file(dir_.file("bad.jsonl"), R"({"id": "a", "spans": [[5, 2]]})"
                                     "\n");
  r = run_command(kWinnow + " eval " + model + " " + dir_.file("test.jsonl") + " --spans " +
                  dir_.file("bad.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.jsonl:1: spans"), std::string::npos) << r.err;
  write_file(dir_.file("short.jsonl"), R"({"id": "a", "spans": []})"
                                       "\n");
  r = run_command(kWinnow + " eval " + model + " " + dir_.file("test.jsonl") + " --spans " +
                  dir_.file("short.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 lines for 2 samples"), std::string::npos) << r.err;
}

TEST_F(Explain, UnknownLabelIsAUsageErrorNamingTheKnownOnes) {
  const std::string model = train("m.winnow");
  CommandResult r =
      run_command(kWinnow + " classify " + model + " --explain --explain-label nosuch x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("moderation/toxicity"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace winnow::testing
