// `winnow train --model <architecture>` driven as a user would: unknown names, the encoder
// architecture end to end (skipped when its npm package is not installed), a missing encoder
// directory.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "encoder/text_encoder.h"
#include "test_support.h"

namespace winnow::testing {
namespace {

bool cli_encoder_package_present() {
  std::error_code ec;
  return std::filesystem::exists(default_encoder_dir() + "/model.json", ec);
}

// Short toxic and polite sentences under one single-label head.
std::string tone_lines(int n, unsigned seed) {
  const char* insults[] = {"idiot", "moron", "stupid", "loser"};
  const char* polite[] = {"thank you", "please", "kind", "helpful"};
  const char* subjects[] = {"you are", "this editor is", "your comment is", "that answer was"};
  unsigned state = seed * 2654435761u + 3;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  std::string out;
  for (int i = 0; i < n; ++i) {
    const bool toxic = i % 2 == 1;
    const char* subject = subjects[next() % 4];
    const std::string text =
        std::string(subject) + " " + (toxic ? insults[next() % 4] : polite[next() % 4]);
    out += R"({"text": ")" + text + R"(", "labels": {"tone": ")" + (toxic ? "toxic" : "polite") +
           "\"}}\n";
  }
  return out;
}

class TrainArchitecture : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("train.jsonl"), tone_lines(160, 1));
    write_file(dir_.file("valid.jsonl"), tone_lines(40, 2));
  }
  std::string train_cmd(const std::string& extra) const {
    return kWinnow + " train --train " + dir_.file("train.jsonl") + " --validation " +
           dir_.file("valid.jsonl") + " --out " + model() +
           " --hash-bits 12 --training-steps 20 --threads 1 --quiet " + extra;
  }
  std::string model() const { return dir_.file("m.winnow"); }
  TempDir dir_;
};

TEST_F(TrainArchitecture, UnknownModelIsAUsageErrorListingTheArchitectures) {
  CommandResult r = run_command(train_cmd("--model nosuch"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("linear"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("encoder"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(model()));
}

TEST_F(TrainArchitecture, HelpListsEveryArchitecture) {
  CommandResult r = run_command(kWinnow + " train --help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("linear:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("encoder:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--encoder-dir"), std::string::npos) << r.out;
}

TEST_F(TrainArchitecture, MistralAliasTrainsTheLinearArchitecture) {
  CommandResult t = run_command(train_cmd("--model ministral-8b-latest"));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  CommandResult info = run_command(kWinnow + " classify " + model() + " 'you idiot'");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const std::string bytes = read_file(model());
  EXPECT_NE(bytes.find("\"architecture\":\"linear\""), std::string::npos);
  EXPECT_EQ(bytes.find("encoder.vocab"), std::string::npos);
}

TEST_F(TrainArchitecture, EncoderModelTrainsThenClassifies) {
  if (!cli_encoder_package_present()) {
    GTEST_SKIP() << "needs the encoder's npm package (scripts/setup.sh): " << default_encoder_dir()
                 << " is absent";
  }
  CommandResult t =
      run_command(train_cmd("--model encoder --encoder-dir " + default_encoder_dir()));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(model()));
  EXPECT_GT(std::filesystem::file_size(model()), 10u << 20);  // the encoder's weights inside
  CommandResult c =
      run_command(kWinnow + " classify " + model() + " 'you are a stupid idiot' 'thank you'");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const size_t nl = c.out.find('\n');
  ASSERT_NE(nl, std::string::npos) << c.out;
  const nlohmann::json first = nlohmann::json::parse(c.out.substr(0, nl), nullptr, false);
  const nlohmann::json second = nlohmann::json::parse(c.out.substr(nl + 1), nullptr, false);
  ASSERT_TRUE(first.is_object()) << c.out;
  ASSERT_TRUE(second.is_object()) << c.out;
  const float toxic_first = first["tone"]["scores"]["toxic"].get<float>();
  const float toxic_second = second["tone"]["scores"]["toxic"].get<float>();
  EXPECT_GT(toxic_first, 0.5f) << c.out;
  EXPECT_LT(toxic_second, 0.5f) << c.out;

  // The model needs nothing but its file: classifying works with the package hidden.
  CommandResult hidden = run_command("WINNOW_ENCODER_DIR=/nonexistent " + kWinnow + " classify " +
                                     model() + " 'you are a stupid idiot'");
  ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
  EXPECT_EQ(hidden.out.substr(0, hidden.out.find('\n')), c.out.substr(0, nl));
}

TEST_F(TrainArchitecture, EncoderWithAMissingDirectoryFailsClearly) {
  CommandResult r = run_command(train_cmd("--model encoder --encoder-dir /nonexistent"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("scripts/setup.sh"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(model()));
}

TEST_F(TrainArchitecture, BadEncoderNormIsAUsageError) {
  for (const char* norm : {"0", "-1", "nan"}) {
    CommandResult r = run_command(train_cmd(std::string("--model encoder --encoder-norm ") + norm));
    EXPECT_EQ(r.exit_code, 2) << norm << ": " << r.err;
    EXPECT_NE(r.err.find("encoder"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace winnow::testing
