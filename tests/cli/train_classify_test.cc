// `winnow train` and `winnow classify` driven as a user would: real binary, real files.
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow::testing {
namespace {

// A small, separable multi-label moderation set plus a single-label head.
std::string moderation_lines(int n, int seed) {
  const char* toxic[] = {"idiot", "moron", "stupid", "loser"};
  const char* threat[] = {"kill", "hurt", "destroy"};
  const char* filler[] = {"the", "news", "today", "about", "city", "council", "vote", "was"};
  std::string out;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 5; ++w) text += std::string(filler[next() % 8]) + " ";
    std::string labels;
    switch (i % 4) {
      case 0:
        labels = R"(["safe"])";
        break;
      case 1:
        text += toxic[next() % 4];
        labels = R"(["toxicity"])";
        break;
      case 2:
        text += threat[next() % 3];
        labels = R"(["threat"])";
        break;
      default: {
        // Two draws in one expression would be unsequenced (gcc and clang order them
        // differently, and the data with them): the threat word is drawn first.
        const char* threat_word = threat[next() % 3];
        text += std::string(toxic[next() % 4]) + " " + threat_word;
        labels = R"(["toxicity", "threat"])";
      }
    }
    const char* lang = i % 3 == 0 ? "fr" : "en";
    out += R"({"text": ")" + text + R"(", "labels": {"moderation": )" + labels + R"(, "lang": ")" +
           lang + "\"}}\n";
  }
  return out;
}

class TrainClassify : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("train.jsonl"), moderation_lines(200, 1));
    write_file(dir_.file("valid.jsonl"), moderation_lines(40, 2));
  }
  std::string train_cmd(const std::string& extra) const {
    return kWinnow + " train --train " + dir_.file("train.jsonl") + " --validation " +
           dir_.file("valid.jsonl") + " --out " + model() + " --hash-bits 12 --epochs 4 " +
           "--threads 1 --quiet " + extra;
  }
  std::string model() const { return dir_.file("m.winnow"); }
  TempDir dir_;
};

TEST_F(TrainClassify, TrainsThenClassifiesArguments) {
  CommandResult t = run_command(train_cmd(""));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("validation: 40 samples"), std::string::npos) << t.out;
  CommandResult c =
      run_command(kWinnow + " classify " + model() + " 'you idiot' 'the council vote'");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<std::string> lines = [&] {
    std::vector<std::string> v;
    size_t start = 0;
    for (size_t nl; (nl = c.out.find('\n', start)) != std::string::npos; start = nl + 1) {
      v.push_back(c.out.substr(start, nl - start));
    }
    return v;
  }();
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_GT(first["moderation"]["scores"]["toxicity"].get<double>(), 0.5);
  EXPECT_LT(second["moderation"]["scores"]["toxicity"].get<double>(), 0.5);
  const double en = first["lang"]["scores"]["en"].get<double>();
  const double fr = first["lang"]["scores"]["fr"].get<double>();
  EXPECT_NEAR(en + fr, 1.0, 1e-5);
  EXPECT_FALSE(first["moderation"].contains("flags"));
}

// A label that 70% of the samples carry at random (its words say nothing): the best-F1
// threshold flags every validation sample, which the summary shows and a warning names.
TEST_F(TrainClassify, WarnsWhenTheBestThresholdFlagsEverything) {
  const char* words[] = {"the", "news", "today", "about", "city", "council", "vote", "was"};
  auto lines = [&](int n, unsigned seed) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      std::string text;
      for (int w = 0; w < 6; ++w) {
        seed = seed * 1664525u + 1013904223u;
        text += std::string(words[(seed >> 8) % 8]) + " ";
      }
      seed = seed * 1664525u + 1013904223u;
      const bool noisy = (seed >> 8) % 10 < 7;
      out += R"({"text": ")" + text + R"(", "labels": {"moderation": )" +
             (noisy ? R"(["noise"])" : R"(["safe"])") + "}}\n";
    }
    return out;
  };
  write_file(dir_.file("noise_train.jsonl"), lines(300, 3));
  write_file(dir_.file("noise_valid.jsonl"), lines(100, 4));
  CommandResult t = run_command(kWinnow + " train --train " + dir_.file("noise_train.jsonl") +
                                " --validation " + dir_.file("noise_valid.jsonl") + " --out " +
                                model() + " --hash-bits 12 --epochs 4 --threads 1 --quiet");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.err.find("warning: moderation.noise: its best-F1 threshold flags"), std::string::npos)
      << t.err;
  EXPECT_NE(t.out.find("flags 100%"), std::string::npos) << t.out;
  // The separable set of the other tests gets no such warning.
  CommandResult clean = run_command(train_cmd(""));
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.err.find("warning"), std::string::npos) << clean.err;
}

TEST_F(TrainClassify, ClassifiesStdinTextAndJsonlWithFlags) {
  ASSERT_EQ(run_command(train_cmd("")).exit_code, 0);
  write_file(dir_.file("in.txt"),
             "you stupid loser\n{\"text\": \"i will hurt you\"}\n"
             "{\"messages\": [{\"role\": \"user\", \"content\": \"the news today\"}]}\n");
  CommandResult c =
      run_command(kWinnow + " classify " + model() + " --flags < " + dir_.file("in.txt"));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::vector<nlohmann::json> rows;
  size_t start = 0;
  for (size_t nl; (nl = c.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    rows.push_back(nlohmann::json::parse(c.out.substr(start, nl - start)));
  }
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["moderation"]["flags"], nlohmann::json::array({"toxicity"}));
  // Threat words come with toxicity in half of the training samples: toxicity may be flagged too.
  const nlohmann::json& threat_flags = rows[1]["moderation"]["flags"];
  EXPECT_NE(std::find(threat_flags.begin(), threat_flags.end(), "threat"), threat_flags.end());
  EXPECT_EQ(rows[2]["moderation"]["flags"], nlohmann::json::array({"safe"}));
  EXPECT_EQ(rows[2]["lang"]["flags"].size(), 1u);
}

TEST_F(TrainClassify, WritesAJsonLinesLog) {
  ASSERT_EQ(run_command(train_cmd("--log " + dir_.file("log.jsonl"))).exit_code, 0);
  const std::vector<std::string> lines = read_lines(dir_.file("log.jsonl"));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines.front())["event"], "started");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["event"], "eval");
  const auto last = nlohmann::json::parse(lines.back());
  EXPECT_EQ(last["event"], "finished");
  EXPECT_TRUE(last["details"]["validation"]["macro_roc_auc"].is_number());
}

TEST_F(TrainClassify, OptionMistakesAreUsageErrors) {
  EXPECT_EQ(run_command(train_cmd("--training-steps 10")).exit_code, 2);    // with --epochs
  EXPECT_EQ(run_command(kWinnow + " train --train x.jsonl").exit_code, 2);  // no --out
  const std::string base =
      kWinnow + " train --train " + dir_.file("train.jsonl") + " --out " + model() + " --quiet ";
  CommandResult lr = run_command(base + "--learning-rate 5");
  EXPECT_EQ(lr.exit_code, 2);
  EXPECT_NE(lr.err.find("learning rate"), std::string::npos) << lr.err;
  EXPECT_EQ(run_command(base + "--head-weight moderation").exit_code, 2);
  EXPECT_EQ(run_command(base + "--model gpt-9").exit_code, 2);
  EXPECT_EQ(
      run_command(kWinnow + " train --train " + dir_.file("train.jsonl") + ":0 --out " + model())
          .exit_code,
      2);
  EXPECT_EQ(run_command(kWinnow + " classify").exit_code, 2);
}

TEST_F(TrainClassify, BadDataFailsNamingFileAndLine) {
  write_file(dir_.file("bad.jsonl"), moderation_lines(3, 3) + "{\"text\": \"x\"}\n");
  CommandResult r = run_command(kWinnow + " train --train " + dir_.file("bad.jsonl") + " --out " +
                                model() + " --quiet");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.jsonl:4:"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(model()));
}

TEST_F(TrainClassify, DamagedModelsAreRejectedWithoutCrashing) {
  ASSERT_EQ(run_command(train_cmd("")).exit_code, 0);
  const std::string bytes = read_file(model());
  write_file(dir_.file("truncated.winnow"), bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  flipped[flipped.size() - 100] ^= 0x10;
  write_file(dir_.file("flipped.winnow"), flipped);
  struct Case {
    std::string file, message;
  };
  for (const Case& c : {Case{dir_.file("truncated.winnow"), "truncated"},
                        Case{dir_.file("flipped.winnow"), "damaged"},
                        Case{dir_.file("train.jsonl"), "not a Winnow model file"},
                        Case{dir_.file("missing.winnow"), "no such file"}}) {
    CommandResult r = run_command(kWinnow + " classify " + c.file + " hello");
    EXPECT_EQ(r.exit_code, 1) << c.file;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(TrainClassify, StrictJsonlInputNamesTheBadLine) {
  ASSERT_EQ(run_command(train_cmd("")).exit_code, 0);
  write_file(dir_.file("in.jsonl"), "{\"text\": \"fine\"}\nnot json\n");
  CommandResult r = run_command(kWinnow + " classify " + model() + " --input-format jsonl < " +
                                dir_.file("in.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("stdin:2"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace winnow::testing
