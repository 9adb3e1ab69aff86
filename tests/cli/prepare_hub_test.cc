// `winnow prepare --hub` against the real fixture server (same JSON shape as the Hugging Face
// dataset viewer), including reuse of the download cache with the server gone.
#include <gtest/gtest.h>

#include "fixtures/child_process.h"
#include "fixtures/hub_test_data.h"
#include "test_support.h"

namespace winnow::testing {
namespace {

std::string lines_of(const std::vector<std::string>& rows, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < rows.size(); ++i) out += rows[i] + "\n";
  return out;
}

TEST(PrepareHub, FetchesSplitsAndMatchesALocalRunOnTheSameRows) {
  TempDir dir;
  auto train = civil_rows(700);
  auto validation = civil_rows(90);
  auto test = civil_rows(80);
  write_file(dir.file("train.jsonl"), lines_of(train, train.size()));
  write_file(dir.file("validation.jsonl"), lines_of(validation, validation.size()));
  write_file(dir.file("test.jsonl"), lines_of(test, test.size()));
  FixtureProcess fixture(
      WINNOW_HUB_FIXTURE_BINARY,
      {"--dataset", kCivilComments, "--split", "train=" + dir.file("train.jsonl"), "--split",
       "validation=" + dir.file("validation.jsonl"), "--split", "test=" + dir.file("test.jsonl"),
       "--lifetime-s", "120"});
  ASSERT_GT(fixture.port(), 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(fixture.port());
  const std::string hub_cmd = kWinnow + " prepare --quiet --hub " + std::string(kCivilComments) +
                              " --hub-endpoint " + endpoint +
                              " --n-train 500 --seed 9 --min-label-fraction 0" + " --hub-cache " +
                              dir.file("cache") + " --out ";
  CommandResult r = run_command(hub_cmd + dir.file("hub"));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The hub takes the first n rows of each split, then samples within them: a local run on the
  // same first rows gives the same output.
  std::filesystem::create_directories(dir.file("first"));
  write_file(dir.file("first/train.jsonl"), lines_of(train, 500));
  write_file(dir.file("first/validation.jsonl"), lines_of(validation, validation.size()));
  write_file(dir.file("first/test.jsonl"), lines_of(test, test.size()));
  CommandResult local = run_command(kWinnow + " prepare --quiet --input " + dir.file("first") +
                                    " --seed 9 --min-label-fraction 0 --out " + dir.file("local"));
  ASSERT_EQ(local.exit_code, 0) << local.err;
  for (const char* f : {"training_file.jsonl", "validation_file.jsonl", "test_file.jsonl"}) {
    std::string hub_out = read_file(dir.file(std::string("hub/") + f));
    EXPECT_FALSE(hub_out.empty()) << f;
    EXPECT_EQ(hub_out, read_file(dir.file(std::string("local/") + f))) << f;
  }

  // With the server gone, the complete cache is reused without any request.
  EXPECT_EQ(fixture.stop(), 0);
  CommandResult again = run_command(hub_cmd + dir.file("hub2"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(dir.file("hub2/training_file.jsonl")),
            read_file(dir.file("hub/training_file.jsonl")));
}

TEST(PrepareHub, UnknownDatasetFailsAndHubWithInputIsAUsageError) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), lines_of(civil_rows(10), 10));
  FixtureProcess fixture(WINNOW_HUB_FIXTURE_BINARY,
                         {"--dataset", kCivilComments, "--split",
                          "train=" + dir.file("train.jsonl"), "--lifetime-s", "60"});
  ASSERT_GT(fixture.port(), 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(fixture.port());
  CommandResult unknown = run_command(kWinnow + " prepare --hub nobody/nothing --hub-endpoint " +
                                      endpoint + " --out " + dir.file("o"));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("nobody/nothing"), std::string::npos) << unknown.err;
  EXPECT_EQ(run_command(kWinnow + " prepare --hub x/y --input " + dir.path().string()).exit_code,
            2);
}

}  // namespace
}  // namespace winnow::testing
