// fetch_hub_split against a real HTTP server (tests/fixtures/hub_fixture.h) on a loopback port.
#include "hub/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "fixtures/hub_fixture.h"
#include "fixtures/hub_test_data.h"
#include "hub/fetch_state.h"
#include "test_support.h"

namespace winnow {
namespace {

using testing::civil_rows;
using testing::fixture_options;
using ::testing::HasSubstr;
using testing::HubFixtureReply;
using testing::HubFixtureServer;
using testing::kCivilComments;
using testing::TempDir;

constexpr int kRows = 1234;

// A started fixture serving kRows generated rows as google/civil_comments train (and 10 as test).
class HubClientTest : public ::testing::Test {
 protected:
  void SetUp() override { start(server_); }
  void start(HubFixtureServer& server, int rows = kRows) {
    ASSERT_TRUE(server.add_split("default", "train", civil_rows(rows)).is_ok());
    ASSERT_TRUE(server.add_split("default", "test", civil_rows(10)).is_ok());
    ASSERT_TRUE(server.start().is_ok());
  }
  // Records the (offset, length) of every /rows request and lets `reply` replace the answer.
  void hook(std::function<std::optional<HubFixtureReply>(uint64_t, uint64_t, int)> reply = {}) {
    server_.set_rows_hook([this, reply](uint64_t offset, uint64_t length, int index) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.emplace_back(offset, length);
      }
      return reply ? reply(offset, length, index) : std::nullopt;
    });
  }
  std::vector<std::pair<uint64_t, uint64_t>> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  void clear_requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
  }
  std::string out() const { return dir_.file("train.jsonl"); }

  TempDir dir_;
  HubFixtureServer server_{kCivilComments};
  std::mutex mutex_;
  std::vector<std::pair<uint64_t, uint64_t>> requests_;
};

std::vector<std::string> first(const std::vector<std::string>& rows, size_t n) {
  return {rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n)};
}

TEST_F(HubClientTest, FetchesWholeSplitInOrder) {
  hook();
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  auto result = fetch_hub_split(fixture_options(server_, out()), [&](uint64_t done, uint64_t all) {
    progress.emplace_back(done, all);
    return true;
  });
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->rows_written, 1234u);
  EXPECT_EQ(result->rows_total_in_split, 1234u);
  EXPECT_EQ(result->rows_fetched, 1234u);
  EXPECT_FALSE(result->resumed);
  EXPECT_FALSE(result->partial_split);
  EXPECT_EQ(testing::read_lines(out()), civil_rows(kRows));
  EXPECT_EQ(requests().size(), 13u);
  EXPECT_EQ(requests().back(), (std::pair<uint64_t, uint64_t>{1200, 34}));
  ASSERT_EQ(progress.size(), 13u);
  EXPECT_EQ(progress.front(), (std::pair<uint64_t, uint64_t>{100, 1234}));
  EXPECT_EQ(progress.back(), (std::pair<uint64_t, uint64_t>{1234, 1234}));
  EXPECT_TRUE(std::filesystem::exists(hub_state_path(out())));
}

TEST_F(HubClientTest, StopsAtMaxRowsAndHonoursPageRows) {
  hook();
  auto o = fixture_options(server_, out());
  o.max_rows = 250;
  o.page_rows = 60;
  auto result = fetch_hub_split(o, {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->rows_written, 250u);
  EXPECT_EQ(result->rows_total_in_split, 1234u);
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 250));
  std::vector<std::pair<uint64_t, uint64_t>> expected = {
      {0, 60}, {60, 60}, {120, 60}, {180, 60}, {240, 10}};
  EXPECT_EQ(requests(), expected);
}

TEST_F(HubClientTest, RetriesServerErrorsAndRateLimitsWithBackoff) {
  hook([](uint64_t, uint64_t, int index) -> std::optional<HubFixtureReply> {
    if (index == 0) return HubFixtureReply{500, R"({"error":"boom"})", {}};
    if (index == 1) return HubFixtureReply{429, R"({"error":"slow down"})", {{"Retry-After", "7"}}};
    if (index == 2) return HubFixtureReply{503, "<html>bad gateway</html>", {}};
    if (index % 4 == 0) return HubFixtureReply{502, "", {}};
    return std::nullopt;
  });
  std::vector<double> delays;
  auto result = fetch_hub_split(fixture_options(server_, out(), &delays), {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(testing::read_lines(out()), civil_rows(kRows));
  // base 0.5 s doubling per attempt; Retry-After 7 s wins over 1 s; the count resets per page.
  ASSERT_GE(delays.size(), 4u);
  EXPECT_EQ(std::vector<double>(delays.begin(), delays.begin() + 4),
            (std::vector<double>{0.5, 7, 2, 0.5}));
}

TEST_F(HubClientTest, GivesUpAfterMaxRetriesWithTheLastError) {
  hook([](uint64_t, uint64_t, int) -> std::optional<HubFixtureReply> {
    return HubFixtureReply{503, R"({"error":"The server is busy."})", {{"Retry-After", "99"}}};
  });
  auto o = fixture_options(server_, out());
  o.connection.max_retries = 2;
  o.connection.retry_delay_base_s = 0.001;  // really sleeps: exercises the default sleeper
  o.connection.retry_delay_max_s = 0.002;   // and caps Retry-After: 99
  o.connection.sleep = nullptr;
  auto result = fetch_hub_split(o, {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("gave up after 3 attempt(s)"));
  EXPECT_THAT(result.status().message(), HasSubstr("HTTP 503: The server is busy."));
  EXPECT_THAT(result.status().message(), HasSubstr("offset=0&length=100"));
  EXPECT_EQ(requests().size(), 3u);
}

TEST_F(HubClientTest, UnknownDatasetFailsAtOnceWithTheServerMessage) {
  hook();
  auto o = fixture_options(server_, out());
  o.dataset = "google/civil_coments";
  auto result = fetch_hub_split(o, {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("HTTP 404: The dataset does not exist"));
  EXPECT_THAT(result.status().message(), HasSubstr("dataset=google%2Fcivil_coments"));
  EXPECT_EQ(requests().size(), 1u);  // no retries
  EXPECT_FALSE(std::filesystem::exists(out()));
}

TEST_F(HubClientTest, UnknownSplitIsNotFound) {
  auto result = fetch_hub_split(fixture_options(server_, out(), nullptr, "tran"), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("split=tran"));
}

TEST_F(HubClientTest, ResumesAfterAnOutageWithoutDuplicates) {
  std::atomic<bool> down{true};
  hook([&down](uint64_t offset, uint64_t, int) -> std::optional<HubFixtureReply> {
    if (down && offset >= 500) return HubFixtureReply{503, R"({"error":"down"})", {}};
    return std::nullopt;
  });
  auto o = fixture_options(server_, out());
  o.connection.max_retries = 1;
  auto failed = fetch_hub_split(o, {});
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("[500 rows saved in " + out()));
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 500));

  down = false;
  clear_requests();
  auto resumed = fetch_hub_split(o, {});
  ASSERT_TRUE(resumed.is_ok()) << resumed.status().to_string();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_EQ(resumed->rows_fetched, 734u);
  EXPECT_EQ(resumed->rows_written, 1234u);
  EXPECT_EQ(requests().front(), (std::pair<uint64_t, uint64_t>{500, 100}));
  EXPECT_EQ(testing::read_lines(out()), civil_rows(kRows));
}

TEST_F(HubClientTest, ResumesAfterCancelAndACutLastLine) {
  auto o = fixture_options(server_, out());
  auto cancelled = fetch_hub_split(o, [](uint64_t done, uint64_t) { return done < 300; });
  ASSERT_FALSE(cancelled.is_ok());
  EXPECT_EQ(cancelled.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(testing::read_lines(out()).size(), 300u);
  // A crash in the middle of a write leaves half a row behind.
  testing::write_file(out(), testing::read_file(out()) + R"({"text":"comment 300: all wo)");

  auto resumed = fetch_hub_split(o, {});
  ASSERT_TRUE(resumed.is_ok()) << resumed.status().to_string();
  EXPECT_EQ(resumed->rows_fetched, 934u);
  EXPECT_EQ(testing::read_lines(out()), civil_rows(kRows));
}

TEST_F(HubClientTest, CompleteOutputIsNotFetchedAgainAndMaxRowsCanGrowOrShrink) {
  hook();
  auto o = fixture_options(server_, out());
  o.max_rows = 150;
  ASSERT_TRUE(fetch_hub_split(o, {}).is_ok());
  size_t after_first = requests().size();

  auto again = fetch_hub_split(o, {});
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(requests().size(), after_first);  // served from disk
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(again->rows_fetched, 0u);
  EXPECT_EQ(again->rows_total_in_split, 1234u);

  o.max_rows = 400;
  auto grown = fetch_hub_split(o, {});
  ASSERT_TRUE(grown.is_ok()) << grown.status().to_string();
  EXPECT_EQ(grown->rows_fetched, 250u);
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 400));

  size_t before_shrink = requests().size();
  o.max_rows = 100;
  auto shrunk = fetch_hub_split(o, {});
  ASSERT_TRUE(shrunk.is_ok()) << shrunk.status().to_string();
  EXPECT_EQ(shrunk->rows_written, 100u);
  EXPECT_EQ(requests().size(), before_shrink);
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 100));
}

TEST_F(HubClientTest, RefusesToMixSplitsOrTakeOverForeignFiles) {
  auto o = fixture_options(server_, out());
  o.max_rows = 5;
  ASSERT_TRUE(fetch_hub_split(o, {}).is_ok());
  o.split = "test";
  auto mixed = fetch_hub_split(o, {});
  ASSERT_FALSE(mixed.is_ok());
  EXPECT_EQ(mixed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(mixed.status().message(), HasSubstr("holds rows of google/civil_comments"));

  std::string mine = dir_.file("mine.jsonl");
  testing::write_file(mine, "{\"text\":\"my own data\"}\n");
  o.out_path = mine;
  auto foreign = fetch_hub_split(o, {});
  ASSERT_FALSE(foreign.is_ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(testing::read_file(mine), "{\"text\":\"my own data\"}\n");
}

TEST_F(HubClientTest, RefusesToResumeWhenTheSplitChangedSize) {
  auto o = fixture_options(server_, out());
  ASSERT_FALSE(fetch_hub_split(o, [](uint64_t, uint64_t) { return false; }).is_ok());
  HubFixtureServer bigger(kCivilComments);
  start(bigger, kRows + 66);
  auto result = fetch_hub_split(fixture_options(bigger, out()), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("now has 1300 rows but 1234"));
}

TEST_F(HubClientTest, MalformedPageIsCorruptionNamingTheUrl) {
  hook([](uint64_t offset, uint64_t, int) -> std::optional<HubFixtureReply> {
    if (offset == 200) return HubFixtureReply{200, R"({"rows": [{"row_idx": 200,)", {}};
    return std::nullopt;
  });
  auto result = fetch_hub_split(fixture_options(server_, out()), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(result.status().message(), HasSubstr("offset=200&length=100: malformed page"));
  EXPECT_THAT(result.status().message(), HasSubstr("invalid JSON"));
  EXPECT_EQ(testing::read_lines(out()).size(), 200u);
}

TEST_F(HubClientTest, WrongRowIndexIsCorruption) {
  hook([](uint64_t offset, uint64_t, int) -> std::optional<HubFixtureReply> {
    return HubFixtureReply{200,
                           R"({"rows":[{"row_idx":)" + std::to_string(offset + 1) +
                               R"(,"row":{"text":"x"}}],"num_rows_total":1234})",
                           {}};
  });
  auto result = fetch_hub_split(fixture_options(server_, out()), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(result.status().message(), HasSubstr("rows[0]: \"row_idx\" should be 0, got 1"));
}

TEST_F(HubClientTest, AsksForSmallerPagesWhenTheServerTruncatesCells) {
  HubFixtureServer limited(kCivilComments);
  limited.set_page_bytes_max(4000);
  start(limited);
  auto result = fetch_hub_split(fixture_options(limited, out()), {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(testing::read_lines(out()), civil_rows(kRows));
  EXPECT_GT(limited.rows_requests(), 13);
}

TEST_F(HubClientTest, ARowTruncatedEvenAloneIsCorruption) {
  HubFixtureServer tiny(kCivilComments);
  tiny.set_page_bytes_max(10);
  start(tiny);
  auto result = fetch_hub_split(fixture_options(tiny, out()), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(result.status().message(),
              HasSubstr("truncates row 0, column text even when it is alone"));
}

TEST_F(HubClientTest, SendsTheTokenAsBearerAuth) {
  HubFixtureServer gated(kCivilComments);
  gated.require_token("hf_secret");
  start(gated);
  auto o = fixture_options(gated, out());
  o.max_rows = 20;
  auto denied = fetch_hub_split(o, {});
  ASSERT_FALSE(denied.is_ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(denied.status().message(), HasSubstr("HTTP 401"));
  EXPECT_THAT(denied.status().message(), HasSubstr("set HF_TOKEN"));
  o.connection.token = "hf_secret";
  auto allowed = fetch_hub_split(o, {});
  ASSERT_TRUE(allowed.is_ok()) << allowed.status().to_string();
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 20));
}

TEST_F(HubClientTest, FollowsRedirectsOnlyWithoutAToken) {
  std::string target = server_.endpoint() +
                       "/rows?dataset=google%2Fcivil_comments&config=default&split=train"
                       "&offset=0&length=100";
  hook([target](uint64_t, uint64_t, int index) -> std::optional<HubFixtureReply> {
    if (index == 0 || index == 1) return HubFixtureReply{302, "", {{"Location", target}}};
    return std::nullopt;
  });
  auto o = fixture_options(server_, out());
  o.max_rows = 100;
  o.connection.token = "hf_secret";
  auto refused = fetch_hub_split(o, {});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("HTTP 302 redirect to 'http://127.0.0.1:"));
  o.connection.token.clear();
  auto followed = fetch_hub_split(o, {});  // request 1 redirects, request 2 is served
  ASSERT_TRUE(followed.is_ok()) << followed.status().to_string();
  EXPECT_EQ(testing::read_lines(out()), first(civil_rows(kRows), 100));
}

TEST_F(HubClientTest, EmptySplitGivesAnEmptyFile) {
  HubFixtureServer empty(kCivilComments);
  start(empty, 0);
  auto result = fetch_hub_split(fixture_options(empty, out()), {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->rows_written, 0u);
  EXPECT_TRUE(std::filesystem::exists(out()));
  EXPECT_EQ(testing::read_file(out()), "");
}

TEST_F(HubClientTest, ListsSplitsInServerOrder) {
  auto o = fixture_options(server_, out());
  auto splits = list_hub_splits(o.connection, kCivilComments);
  ASSERT_TRUE(splits.is_ok()) << splits.status().to_string();
  ASSERT_EQ(splits->size(), 2u);
  EXPECT_EQ((*splits)[0].config, "default");
  EXPECT_EQ((*splits)[0].split, "train");
  EXPECT_EQ((*splits)[1].split, "test");
  auto missing = list_hub_splits(o.connection, "nobody/nothing");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(HubClientTest, UnreachableServerIsUnavailable) {
  auto o = fixture_options(server_, out());
  server_.stop();
  o.connection.max_retries = 1;
  auto result = fetch_hub_split(o, {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("request failed: could not connect"));
}

TEST(HubClient, RejectsBadOptions) {
  TempDir dir;
  HubFetchOptions o;
  o.dataset = kCivilComments;
  o.split = "train";
  EXPECT_EQ(fetch_hub_split(o, {}).status().code(), StatusCode::kInvalidArgument);  // no out_path
  o.out_path = dir.file("unused.jsonl");
  o.page_rows = 101;
  EXPECT_THAT(fetch_hub_split(o, {}).status().message(), HasSubstr("page_rows must be in 1..100"));
  o.page_rows = 100;
  o.connection.endpoint = "ftp://example.com";
  EXPECT_THAT(fetch_hub_split(o, {}).status().message(), HasSubstr("must start with http://"));
}

}  // namespace
}  // namespace winnow
