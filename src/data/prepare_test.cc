// run_prepare on plain CSV (mapped, chunked second pass) against the same bytes gzip-compressed
// (streamed, re-streamed second pass): the output must be byte for byte the same.
#include "data/prepare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

// Rows whose texts hold what CSV and JSON make hard: quoted newlines (LF and CRLF), doubled
// quotes, commas, backslashes, tabs and other control bytes, multi-byte UTF-8; records end with
// CRLF or LF; the file starts with a BOM and its last line has no newline.
std::string tricky_csv(int rows) {
  std::string csv = "\xEF\xBB\xBFid,text,toxicity,insult\r\n";
  struct Text {
    const char* body;  // as written in the file, without the quotes around it
    bool quoted;
  };
  const Text texts[] = {
      {"line one\nline two", true},
      {"crlf\r\ninside, with comma", true},
      {"she said \"\"no\"\" \\ back\\slash", true},
      {"caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80 plain", false},
      {"tab\there \x01 ctrl \x1f end", true},
      {"\"\"starts with a quote", true},
      {"unquoted \"stray\" quote", false},
  };
  for (int i = 0; i < rows; ++i) {
    const Text& t = texts[i % 7];
    const std::string text = std::string(t.body) + " #" + std::to_string(i);
    csv += std::to_string(i) + "," + (t.quoted ? "\"" + text + "\"" : text) + "," +
           (i % 3 == 0 ? "0.9" : "0.1") + "," + (i % 5 == 0 ? "0.7" : "0") +
           (i % 2 ? "\r\n" : "\n");
  }
  csv += std::to_string(rows) + ",\"the last one\nhas no newline\",0.8,0.1";
  return csv;
}

struct PrepareRun {
  std::string files[kNumSplits];
  nlohmann::json summary;
};

PrepareRun prepare_split_files(const std::string& train, const std::string& test,
                               const std::string& out, bool shuffle, uint64_t chunk_bytes,
                               uint64_t parallel_bytes) {
  PrepareOptions o;
  o.input_paths[0] = train;
  o.input_paths[2] = test;
  o.out_dir = out;
  o.shuffle = shuffle;
  o.min_label_fraction = 0;
  o.chunk_text_bytes = chunk_bytes;
  o.parallel_text_bytes = parallel_bytes;
  auto r = run_prepare(o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  PrepareRun run;
  for (int s = 0; s < kNumSplits; s += 2) {
    run.files[s] = testing::read_file(out + "/" + split_output_file(static_cast<SplitKind>(s)));
  }
  run.summary = nlohmann::json::parse(testing::read_file(out + "/prepare-summary.json"));
  return run;
}

TEST(PrepareChunks, MappedChunkedOutputEqualsTheStreamedOutputByteForByte) {
  TempDir dir;
  const std::string train = tricky_csv(3000), test = tricky_csv(400);
  testing::write_file(dir.file("train.csv"), train);
  testing::write_file(dir.file("test.csv"), test);
  testing::write_gzip_file(dir.file("train.csv.gz"), train);
  testing::write_gzip_file(dir.file("test.csv.gz"), test);
  for (bool shuffle : {true, false}) {
    PrepareRun streamed = prepare_split_files(dir.file("train.csv.gz"), dir.file("test.csv.gz"),
                                              dir.file("gz"), shuffle, 24 << 20, 8 << 20);
    ASSERT_GT(streamed.files[0].size(), 10000u);
    EXPECT_NE(streamed.files[0].find("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80 plain"),
              std::string::npos);
    EXPECT_NE(streamed.files[0].find(R"(she said \"no\" \\ back\\slash)"), std::string::npos);
    EXPECT_NE(streamed.files[0].find(R"(tab\there \u0001 ctrl \u001f end)"), std::string::npos);
    EXPECT_NE(streamed.files[0].find(R"(crlf\r\ninside)"), std::string::npos);
    // One chunk on one thread; many tiny chunks (down to one line each) on two threads.
    const uint64_t settings[][2] = {{24 << 20, 8 << 20}, {4096, 0}, {1, 0}, {50000, 1 << 30}};
    for (const auto& [chunk, parallel] : settings) {
      PrepareRun mapped = prepare_split_files(dir.file("train.csv"), dir.file("test.csv"),
                                              dir.file("plain"), shuffle, chunk, parallel);
      for (int s = 0; s < kNumSplits; s += 2) {
        EXPECT_EQ(mapped.files[s], streamed.files[s]) << "split " << s << " chunk " << chunk;
      }
      for (const char* split : {"train", "test"}) {
        EXPECT_EQ(mapped.summary["splits"][split]["output_label_counts"],
                  streamed.summary["splits"][split]["output_label_counts"]);
        EXPECT_EQ(mapped.summary["splits"][split]["rows_kept"],
                  streamed.summary["splits"][split]["rows_kept"]);
      }
    }
  }
}

TEST(PrepareChunks, BadInputInAMappedFileNamesFileLineAndColumn) {
  TempDir dir;
  std::string csv = tricky_csv(50);
  csv += "\r\n51,fine,0.2,0.1\n52,\"two\nlines\",0.1,0.1\n53,bad score,0.1,high\n";
  testing::write_file(dir.file("train.csv"), csv);
  PrepareOptions o;
  o.input_paths[0] = dir.file("train.csv");
  o.out_dir = dir.file("out");
  auto r = run_prepare(o);
  ASSERT_FALSE(r.is_ok());
  const auto bad_at = static_cast<std::ptrdiff_t>(csv.find("53,bad score"));
  const auto line = std::count(csv.begin(), csv.begin() + bad_at, '\n') + 1;
  EXPECT_EQ(r.status().message(), dir.file("train.csv") + ":" + std::to_string(line) +
                                      ": column 'insult': not a number: 'high'");
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/training_file.jsonl")));
}

}  // namespace
}  // namespace winnow
