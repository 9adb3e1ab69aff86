// `winnow prepare` on Parquet input: the same rows written as CSV and as Parquet (by a real
// writer, tests/parquet/write_parquet.mjs) give byte-identical output, whatever the Parquet
// file's compression, page version, dictionary use or row groups; damaged files fail with the
// file, row group and column named.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "fixtures/hub_test_data.h"
#include "fixtures/parquet_writer.h"
#include "test_support.h"

namespace winnow::testing {
namespace {

using nlohmann::json;

std::string csv_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The rows as CSV in the same column order as civil_parquet_spec: id, text, scores. Null cells
// are empty fields; scores are printed with 17 digits, so they read back as the same doubles.
std::string civil_csv(const std::vector<std::string>& rows_json) {
  std::string out = "id,text";
  for (const std::string& c : civil_score_columns()) out += "," + c;
  out += "\n";
  for (size_t i = 0; i < rows_json.size(); ++i) {
    const json r = json::parse(rows_json[i]);
    out += std::to_string(i) + ",";
    if (r.contains("text") && r["text"].is_string()) out += csv_quote(r["text"].get<std::string>());
    for (const std::string& c : civil_score_columns()) {
      out += ",";
      if (r.contains(c) && r[c].is_number()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", r[c].get<double>());
        out += buf;
      }
    }
    out += "\n";
  }
  return out;
}

// civil_rows plus a few rows with a null text and null scores.
std::vector<std::string> rows_with_nulls(int count, int salt) {
  std::vector<std::string> rows = civil_rows(count);
  for (size_t i = static_cast<size_t>(salt) % 7; i < rows.size(); i += 37) {
    json r = json::parse(rows[i]);
    if (i % 2 == 0) {
      r["text"] = nullptr;
    } else {
      r["insult"] = nullptr;
    }
    rows[i] = r.dump();
  }
  return rows;
}

const char* kOutputs[] = {"training_file.jsonl", "validation_file.jsonl", "test_file.jsonl"};

TEST(PrepareParquet, SameRowsAsCsvAndAsParquetGiveIdenticalOutput) {
  TempDir dir;
  const auto train = rows_with_nulls(900, 1);
  const auto validation = rows_with_nulls(120, 2);
  const auto test = rows_with_nulls(110, 3);
  std::filesystem::create_directories(dir.file("csv"));
  write_file(dir.file("csv/train.csv"), civil_csv(train));
  write_file(dir.file("csv/validation.csv"), civil_csv(validation));
  write_file(dir.file("csv/test.csv"), civil_csv(test));
  const std::string flags = " --quiet --missing zero --min-label-fraction 0 --seed 7 --n-train 600";
  CommandResult csv = run_command(kWinnow + " prepare --input " + dir.file("csv") + flags +
                                  " --out " + dir.file("csv_out"));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;

  struct Variant {
    std::string name;
    json options;
    std::string score_type;
  };
  const std::vector<Variant> variants = {
      {"snappy_v1_dict", {{"compression", "snappy"}}, "float32"},
      {"zstd_v2_dict",
       {{"compression", "zstd"}, {"writer_version", 2}, {"row_group_rows", 256}},
       "float32"},
      {"gzip_v1_plain",
       {{"compression", "gzip"}, {"dictionary", false}, {"row_group_rows", 100}},
       "float64"},
      {"uncompressed_v2_plain",
       {{"compression", "uncompressed"},
        {"writer_version", 2},
        {"dictionary", false},
        {"encoding", "plain"},
        {"data_page_bytes", 2048}},
       "float64"},
  };
  json specs = json::array();
  for (const Variant& v : variants) {
    std::filesystem::create_directories(dir.file(v.name));
    specs.push_back(
        civil_parquet_spec(dir.file(v.name + "/train.parquet"), train, v.score_type, v.options));
    specs.push_back(civil_parquet_spec(dir.file(v.name + "/validation.parquet"), validation,
                                       v.score_type, v.options));
    specs.push_back(
        civil_parquet_spec(dir.file(v.name + "/test.parquet"), test, v.score_type, v.options));
  }
  Status written = write_parquet_files(specs);
  ASSERT_TRUE(written.is_ok()) << written.message();
  const json csv_summary = json::parse(read_file(dir.file("csv_out/prepare-summary.json")));
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    CommandResult pq = run_command(kWinnow + " prepare --input " + dir.file(v.name) + flags +
                                   " --out " + dir.file(v.name + "_out"));
    ASSERT_EQ(pq.exit_code, 0) << pq.err;
    for (const char* f : kOutputs) {
      const std::string got = read_file(dir.file(v.name + "_out/" + f));
      EXPECT_FALSE(got.empty()) << f;
      EXPECT_EQ(got, read_file(dir.file(std::string("csv_out/") + f))) << f;
    }
    const json summary = json::parse(read_file(dir.file(v.name + "_out/prepare-summary.json")));
    for (const char* split : {"train", "validation", "test"}) {
      for (const char* key : {"rows_read", "rows_skipped_empty_text", "rows_sampled", "rows_kept",
                              "flagged_before_balancing", "output_label_counts"}) {
        EXPECT_EQ(summary["splits"][split][key], csv_summary["splits"][split][key])
            << split << " " << key;
      }
    }
  }
}

TEST(PrepareParquet, ReadsADirectoryOfPartFilesAsOneSplit) {
  TempDir dir;
  const auto rows = civil_rows(300);
  write_file(dir.file("train.csv"), civil_csv(rows));
  std::filesystem::create_directories(dir.file("parts"));
  const std::vector<std::string> first(rows.begin(), rows.begin() + 120);
  const std::vector<std::string> second(rows.begin() + 120, rows.end());
  // Part ids restart at 0 in each file; ids are not read.
  ASSERT_TRUE(
      write_parquet_files(json::array({civil_parquet_spec(dir.file("parts/0000.parquet"), first),
                                       civil_parquet_spec(dir.file("parts/0001.parquet"), second,
                                                          "float32", {{"compression", "zstd"}})}))
          .is_ok());
  const std::string flags = " --quiet --no-balance --min-label-fraction 0 --seed 3";
  CommandResult csv = run_command(kWinnow + " prepare --train " + dir.file("train.csv") + flags +
                                  " --out " + dir.file("a"));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  CommandResult pq = run_command(kWinnow + " prepare --train " + dir.file("parts") + flags +
                                 " --out " + dir.file("b"));
  ASSERT_EQ(pq.exit_code, 0) << pq.err;
  EXPECT_EQ(read_file(dir.file("b/training_file.jsonl")),
            read_file(dir.file("a/training_file.jsonl")));
}

TEST(PrepareParquet, DamagedFileNamesFileRowGroupAndColumn) {
  TempDir dir;
  const std::string path = dir.file("train.parquet");
  ASSERT_TRUE(
      write_parquet_files(civil_parquet_spec(path, civil_rows(400), "float32",
                                             {{"row_group_rows", 100}, {"dictionary", false}}))
          .is_ok());
  std::string bytes = read_file(path);
  // Damage the second half of the data (row groups 2 and 3), not the footer.
  uint32_t footer_size;
  std::memcpy(&footer_size, bytes.data() + bytes.size() - 8, 4);
  const size_t data_end = bytes.size() - 8 - footer_size;
  for (size_t i = data_end / 2; i < data_end; i += 5) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  write_file(path, bytes);
  CommandResult r =
      run_command(kWinnow + " prepare --quiet --train " + path + " --out " + dir.file("out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(path + ": row group "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", column '"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/training_file.jsonl")));
}

TEST(PrepareParquet, NullScoreIsAnErrorNamingRowAndColumnUnlessMissingIsSet) {
  TempDir dir;
  auto rows = civil_rows(50);
  json r = json::parse(rows[20]);
  r["threat"] = nullptr;
  rows[20] = r.dump();
  const std::string path = dir.file("train.parquet");
  ASSERT_TRUE(write_parquet_files(civil_parquet_spec(path, rows)).is_ok());
  CommandResult fail =
      run_command(kWinnow + " prepare --quiet --train " + path + " --out " + dir.file("out"));
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_NE(fail.err.find(path + ": row 21 (row group 0): column 'threat': null score"),
            std::string::npos)
      << fail.err;
  CommandResult skip =
      run_command(kWinnow + " prepare --quiet --json --missing skip --no-balance --train " + path +
                  " --out " + dir.file("out"));
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  const json summary = json::parse(skip.out);
  EXPECT_EQ(summary["splits"]["train"]["rows_skipped_missing_score"], 1);
  EXPECT_EQ(summary["splits"]["train"]["first_skipped_line"], 21);
}

TEST(PrepareParquet, WrongColumnTypesAreExplained) {
  TempDir dir;
  const std::string path = dir.file("train.parquet");
  json spec = {{"out", path},
               {"columns",
                {{{"name", "text"}, {"type", "int64"}}, {{"name", "toxicity"}, {"type", "utf8"}}}},
               {"rows", {{1, "0.5"}}}};
  ASSERT_TRUE(write_parquet_files(spec).is_ok());
  CommandResult r =
      run_command(kWinnow + " prepare --quiet --train " + path + " --out " + dir.file("out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("text column 'text' holds INT64 values, not strings"), std::string::npos)
      << r.err;
}

// --identity-columns on Parquet: identity values (float32 as on the hub, nulls = not annotated)
// reach metadata.identity exactly as the same values do from CSV; a value outside [0, 1] is an
// error naming the row and column.
TEST(PrepareParquet, IdentityColumnsGiveTheSameMetadataAsCsv) {
  TempDir dir;
  const std::vector<std::string> rows = civil_rows(120);
  json columns = json::array({{{"name", "text"}, {"type", "utf8"}},
                              {{"name", "toxicity"}, {"type", "float64"}},
                              {{"name", "muslim"}, {"type", "float32"}},
                              {{"name", "female"}, {"type", "float32"}}});
  json prows = json::array();
  std::string csv = "text,toxicity,muslim,female\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const json r = json::parse(rows[i]);
    const std::string text = "row " + std::to_string(i) + " " + r["text"].get<std::string>();
    const double tox = i % 3 == 0 ? 0.75 : 0.0;
    json muslim = i % 5 == 0 ? json(nullptr) : json(i % 4 == 0 ? 1.0 : 0.25);  // exact in float32
    json female = i % 7 == 0 ? json(0.5) : json(0.0);
    prows.push_back({text, tox, muslim, female});
    csv += csv_quote(text) + "," + (tox > 0 ? "0.75" : "0") + "," +
           (muslim.is_null() ? "" : (i % 4 == 0 ? "1" : "0.25")) + "," +
           (i % 7 == 0 ? "0.5" : "0") + "\n";
  }
  ASSERT_TRUE(write_parquet_files(
                  json{{"out", dir.file("train.parquet")}, {"columns", columns}, {"rows", prows}})
                  .is_ok());
  write_file(dir.file("train.csv"), csv);
  const std::string flags =
      " prepare --quiet --no-balance --identity-columns muslim,female --train ";
  CommandResult from_parquet =
      run_command(kWinnow + flags + dir.file("train.parquet") + " --out " + dir.file("p"));
  ASSERT_EQ(from_parquet.exit_code, 0) << from_parquet.err;
  CommandResult from_csv =
      run_command(kWinnow + flags + dir.file("train.csv") + " --out " + dir.file("c"));
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  const std::string out = read_file(dir.file("p/training_file.jsonl"));
  EXPECT_EQ(out, read_file(dir.file("c/training_file.jsonl")));
  EXPECT_NE(out.find("\"identity\""), std::string::npos);
  EXPECT_NE(out.find("\"muslim\": null"), std::string::npos) << out.substr(0, 400);

  prows[9][2] = 2.0;
  ASSERT_TRUE(write_parquet_files(
                  json{{"out", dir.file("bad.parquet")}, {"columns", columns}, {"rows", prows}})
                  .is_ok());
  CommandResult bad =
      run_command(kWinnow + flags + dir.file("bad.parquet") + " --out " + dir.file("b"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.parquet: row 10 (row group 0): column 'muslim': identity value '2' "
                         "is not in [0, 1]"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace winnow::testing
