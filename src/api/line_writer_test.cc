// LineWriter: every appended line is written once, whole and in each thread's order; flush()
// waits for them; past the bound lines are dropped and the drop is reported, never blocking.
#include "api/line_writer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

#include "test_support.h"

namespace winnow::api {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(LineWriter, LinesFromManyThreadsAreWrittenWholeAndInEachThreadsOrder) {
  testing::TempDir dir;
  const std::string path = dir.file("log");
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  constexpr int kThreads = 4, kLines = 5000;
  {
    LineWriter writer(f);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) {
          writer.append("t" + std::to_string(t) + " " + std::to_string(i) + " padding-padding\n");
        }
      });
    }
    for (std::thread& th : threads) th.join();
    writer.flush();
    // flush() returned: everything is in the file already, before the destructor runs.
    std::fflush(f);
    EXPECT_EQ(lines_of(testing::read_file(path)).size(), size_t{kThreads * kLines});
  }
  std::fclose(f);
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines_of(testing::read_file(path))) {
    int t = -1, i = -1;
    char pad[32];
    ASSERT_EQ(std::sscanf(line.c_str(), "t%d %d %31s", &t, &i, pad), 3) << line;
    ASSERT_EQ(std::string(pad), "padding-padding") << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(i, next[static_cast<size_t>(t)]++) << line;
  }
}

TEST(LineWriter, PastTheBoundLinesAreDroppedAndTheDropIsReported) {
  testing::TempDir dir;
  const std::string path = dir.file("log");
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  {
    LineWriter writer(f, /*max_pending=*/64);
    // Far more than 64 bytes at once: the writer cannot keep up, some lines must be dropped,
    // and append() still returns at once.
    for (int i = 0; i < 20000; ++i)
      writer.append("line " + std::to_string(i) + " xxxxxxxxxxxxxxxx\n");
    writer.flush();
  }
  std::fclose(f);
  const std::vector<std::string> lines = lines_of(testing::read_file(path));
  size_t kept = 0;
  bool reported = false;
  for (const std::string& l : lines) {
    if (l.rfind("line ", 0) == 0)
      ++kept;
    else if (l.find("dropped") != std::string::npos)
      reported = true;
    else
      ADD_FAILURE() << "unexpected line: " << l;
  }
  EXPECT_LT(kept, 20000u);
  EXPECT_GT(kept, 0u);
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace winnow::api
