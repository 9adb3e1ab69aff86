#include "core/worker_team.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace winnow {
namespace {

TEST(WorkerTeam, RunsEveryMemberOncePerRoundOverManyRounds) {
  WorkerTeam team(4);
  ASSERT_EQ(team.size(), 4);
  std::vector<int> calls(4, 0);  // each member writes only its own slot
  for (int round = 0; round < 200; ++round) {
    team.run([&](int member) { ++calls[static_cast<size_t>(member)]; });
  }
  EXPECT_EQ(calls, (std::vector<int>{200, 200, 200, 200}));
}

TEST(WorkerTeam, ResultsOfARoundAreVisibleToTheCallerAfterRun) {
  WorkerTeam team(3);
  std::vector<long> partial(3, 0);
  long total = 0;
  for (int round = 1; round <= 50; ++round) {
    team.run([&](int member) { partial[static_cast<size_t>(member)] = round * (member + 1); });
    for (long p : partial) total += p;  // plain reads after run(): run() is the barrier
  }
  EXPECT_EQ(total, 6L * (50 * 51 / 2));
}

TEST(WorkerTeam, RangesCoverEveryIndexExactlyOnce) {
  for (int size : {1, 2, 3, 7}) {
    WorkerTeam team(size);
    for (size_t n : {0u, 1u, 5u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      team.run_ranges(n, [&](size_t begin, size_t end, int member) {
        EXPECT_LT(begin, end);
        EXPECT_GE(member, 0);
        EXPECT_LT(member, size);
        for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "size " << size << " i " << i;
    }
  }
}

TEST(WorkerTeam, SizeBelowOneIsOneAndRunsOnTheCaller) {
  WorkerTeam team(0);
  EXPECT_EQ(team.size(), 1);
  int member_seen = -1;
  team.run([&](int member) { member_seen = member; });
  EXPECT_EQ(member_seen, 0);
}

TEST(WorkerTeam, ResolveThreadCountKeepsRequestsAndFillsZero) {
  EXPECT_EQ(resolve_thread_count(3), 3);
  EXPECT_GE(resolve_thread_count(0), 1);
}

}  // namespace
}  // namespace winnow
