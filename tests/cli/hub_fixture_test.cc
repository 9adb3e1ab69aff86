// The winnow_hub_fixture executable, driven as end-to-end tests will drive it: start it on port 0,
// read the port from its stdout, fetch through it with the real client, stop it with SIGTERM.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "fixtures/child_process.h"
#include "fixtures/hub_test_data.h"
#include "hub/client.h"
#include "test_support.h"

namespace winnow {
namespace {

using testing::FixtureProcess;
using testing::TempDir;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

TEST(HubFixtureBinary, ServesJsonlFilesToTheHubClient) {
  TempDir dir;
  auto train = testing::civil_rows(345);
  auto test = testing::civil_rows(17);
  testing::write_file(dir.file("train.jsonl"), join_lines(train));
  testing::write_gzip_file(dir.file("test.jsonl.gz"), join_lines(test));
  FixtureProcess fixture(
      WINNOW_HUB_FIXTURE_BINARY,
      {"--dataset", testing::kCivilComments, "--split", "train=" + dir.file("train.jsonl"),
       "--split", "test=" + dir.file("test.jsonl.gz"), "--lifetime-s", "60"});
  ASSERT_GT(fixture.port(), 0);

  HubConnectionOptions connection;
  connection.endpoint = "http://127.0.0.1:" + std::to_string(fixture.port());
  auto splits = list_hub_splits(connection, testing::kCivilComments);
  ASSERT_TRUE(splits.is_ok()) << splits.status().to_string();
  ASSERT_EQ(splits->size(), 2u);
  EXPECT_EQ((*splits)[1].split, "test");

  for (const auto& [split, rows] : {std::pair{"train", train}, std::pair{"test", test}}) {
    HubFetchOptions o;
    o.connection = connection;
    o.dataset = testing::kCivilComments;
    o.split = split;
    o.out_path = dir.file(std::string("out_") + split + ".jsonl");
    auto result = fetch_hub_split(o, {});
    ASSERT_TRUE(result.is_ok()) << result.status().to_string();
    EXPECT_EQ(testing::read_lines(o.out_path), rows) << split;
  }
  EXPECT_EQ(fixture.stop(), 0);
}

TEST(HubFixtureBinary, BadArgumentsAndFilesFail) {
  TempDir dir;
  std::string binary = WINNOW_HUB_FIXTURE_BINARY;
  auto usage = testing::run_command(binary + " --dataset d --split train");
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, ::testing::HasSubstr("NAME=PATH"));
  testing::write_file(dir.file("bad.jsonl"), "{\"text\":\"ok\"}\n[1,2]\n");
  auto bad = testing::run_command(binary + " --dataset d --split train=" + dir.file("bad.jsonl"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("row 2 is not a JSON object"));
}

}  // namespace
}  // namespace winnow
