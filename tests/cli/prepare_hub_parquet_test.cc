// `winnow prepare --hub --hub-format parquet` against the fixture server serving generated
// Parquet files (tests/parquet/write_parquet.mjs) through the hub's /parquet listing and file
// URLs: the output equals the rows-API output on the same rows, downloads follow redirects and
// resume cut connections, the cache is reused with the server stopped, and a row limit fetches
// only the files it needs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixtures/child_process.h"
#include "fixtures/hub_test_data.h"
#include "fixtures/parquet_writer.h"
#include "test_support.h"

namespace winnow::testing {
namespace {

std::string jsonl_of(const std::vector<std::string>& rows) {
  std::string out;
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

TEST(PrepareHubParquet, MatchesTheRowsApiAndResumesAndCaches) {
  TempDir dir;
  const auto train = civil_rows(1500);
  const auto test = civil_rows(300);
  write_file(dir.file("train.jsonl"), jsonl_of(train));
  write_file(dir.file("test.jsonl"), jsonl_of(test));
  // Train as three part files (the hub splits large splits), test as one; float32 scores as on
  // the hub; several row groups.
  std::filesystem::create_directories(dir.file("pq/train"));
  nlohmann::json specs = nlohmann::json::array();
  for (int part = 0; part < 3; ++part) {
    const std::vector<std::string> rows(train.begin() + part * 500,
                                        train.begin() + (part + 1) * 500);
    specs.push_back(civil_parquet_spec(dir.file("pq/train/000" + std::to_string(part) + ".parquet"),
                                       rows, "float32", {{"row_group_rows", 200}}));
  }
  specs.push_back(
      civil_parquet_spec(dir.file("pq/test.parquet"), test, "float32", {{"compression", "zstd"}}));
  ASSERT_TRUE(write_parquet_files(specs).is_ok());
  std::filesystem::create_directories(dir.file("pq/test_dir"));
  std::filesystem::rename(dir.file("pq/test.parquet"), dir.file("pq/test_dir/0000.parquet"));

  FixtureProcess fixture(
      WINNOW_HUB_FIXTURE_BINARY,
      {"--dataset", kCivilComments, "--split", "train=" + dir.file("train.jsonl"), "--split",
       "test=" + dir.file("test.jsonl"), "--parquet", "train=" + dir.file("pq/train"), "--parquet",
       "test=" + dir.file("pq/test_dir"), "--parquet-redirect", "--parquet-cut-bytes", "3000",
       "--lifetime-s", "120"});
  ASSERT_GT(fixture.port(), 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(fixture.port());
  const std::string common = kWinnow + " prepare --quiet --hub " + std::string(kCivilComments) +
                             " --hub-endpoint " + endpoint +
                             " --n-train 1200 --seed 5 --min-label-fraction 0";
  CommandResult rows = run_command(common + " --hub-format rows --hub-cache " +
                                   dir.file("cache_rows") + " --out " + dir.file("rows"));
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  const std::string parquet_cmd =
      common + " --hub-format parquet --hub-cache " + dir.file("cache_pq") + " --out ";
  CommandResult pq = run_command(parquet_cmd + dir.file("pq_out"));
  ASSERT_EQ(pq.exit_code, 0) << pq.err;
  for (const char* f : {"training_file.jsonl", "test_file.jsonl"}) {
    const std::string got = read_file(dir.file(std::string("pq_out/") + f));
    EXPECT_FALSE(got.empty()) << f;
    EXPECT_EQ(got, read_file(dir.file(std::string("rows/") + f))) << f;
  }
  // 1200 rows need the first three files' rows only up to 1200: all three files (500 each).
  const std::string cached = dir.file("cache_pq/google_civil_comments/default/train-parquet");
  EXPECT_EQ(dir_entries(cached), (std::vector<std::string>{"0000.parquet", "0001.parquet",
                                                           "0002.parquet", "hub-parquet.json"}));
  EXPECT_EQ(read_file(cached + "/0000.parquet"), read_file(dir.file("pq/train/0000.parquet")));

  // With the server gone, the complete cache is reused without any request.
  EXPECT_EQ(fixture.stop(), 0);
  CommandResult again = run_command(parquet_cmd + dir.file("pq_out2"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(dir.file("pq_out2/training_file.jsonl")),
            read_file(dir.file("pq_out/training_file.jsonl")));
}

TEST(PrepareHubParquet, ARowLimitDownloadsOnlyTheFilesItNeedsAndAutoFallsBackToRows) {
  TempDir dir;
  const auto train = civil_rows(1000);
  write_file(dir.file("train.jsonl"), jsonl_of(train));
  std::filesystem::create_directories(dir.file("pq"));
  nlohmann::json specs = nlohmann::json::array();
  for (int part = 0; part < 2; ++part) {
    const std::vector<std::string> rows(train.begin() + part * 500,
                                        train.begin() + (part + 1) * 500);
    specs.push_back(
        civil_parquet_spec(dir.file("pq/000" + std::to_string(part) + ".parquet"), rows));
  }
  ASSERT_TRUE(write_parquet_files(specs).is_ok());
  FixtureProcess fixture(
      WINNOW_HUB_FIXTURE_BINARY,
      {"--dataset", kCivilComments, "--split", "train=" + dir.file("train.jsonl"), "--parquet",
       "train=" + dir.file("pq"), "--lifetime-s", "120"});
  ASSERT_GT(fixture.port(), 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(fixture.port());
  const std::string common =
      kWinnow + " prepare --quiet --no-shuffle --no-balance --min-label-fraction 0 --hub " +
      std::string(kCivilComments) + " --hub-endpoint " + endpoint;
  CommandResult r = run_command(common + " --n-train 300 --hub-format parquet --hub-cache " +
                                dir.file("c1") + " --out " + dir.file("o1"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_lines(dir.file("o1/training_file.jsonl")).size(), 300u);
  EXPECT_EQ(dir_entries(dir.file("c1/google_civil_comments/default/train-parquet")),
            (std::vector<std::string>{"0000.parquet", "hub-parquet.json"}));

  // A dataset without Parquet files for a split: auto uses the rows API, parquet says why.
  FixtureProcess rows_only(WINNOW_HUB_FIXTURE_BINARY,
                           {"--dataset", kCivilComments, "--split",
                            "train=" + dir.file("train.jsonl"), "--lifetime-s", "120"});
  ASSERT_GT(rows_only.port(), 0);
  const std::string endpoint2 = "http://127.0.0.1:" + std::to_string(rows_only.port());
  const std::string common2 =
      kWinnow + " prepare --quiet --no-shuffle --no-balance --min-label-fraction 0 --hub " +
      std::string(kCivilComments) + " --hub-endpoint " + endpoint2 + " --n-train 20000";
  CommandResult autofmt =
      run_command(common2 + " --hub-cache " + dir.file("c2") + " --out " + dir.file("o2"));
  ASSERT_EQ(autofmt.exit_code, 0) << autofmt.err;
  EXPECT_EQ(read_lines(dir.file("o2/training_file.jsonl")).size(), 1000u);
  CommandResult forced = run_command(common2 + " --hub-format parquet --hub-cache " +
                                     dir.file("c3") + " --out " + dir.file("o3"));
  EXPECT_EQ(forced.exit_code, 1);
  EXPECT_NE(forced.err.find("Parquet"), std::string::npos) << forced.err;
}

}  // namespace
}  // namespace winnow::testing
