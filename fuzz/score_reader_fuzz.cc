// Fuzzes ScoreReader (src/data/score_reader.h) on a file of arbitrary bytes, mostly CSV: every
// input is read as `.csv`, then once more under the name the first byte picks (`.jsonl`, or no
// extension: the format is sniffed) with the --missing policy and --labels / --text-column
// choices the first byte picks. Checks: no crash; errors name the file; rows have one score per
// label; for seekable CSV, the raw text bytes (text_offset, text_raw_size) unquote to the text.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "data/csv_reader.h"
#include "data/score_reader.h"
#include "fuzz_support.h"

namespace {

using winnow::fuzz::fuzz_check;

void read_all(std::string_view data, const std::string& path,
              const winnow::ScoreReaderOptions& options) {
  winnow::Result<std::unique_ptr<winnow::ScoreReader>> reader =
      winnow::ScoreReader::open(path, options);
  if (!reader.is_ok()) {
    fuzz_check(reader.status().message().find(path) != std::string::npos,
               "open error without the path: " + reader.status().message());
    return;
  }
  winnow::ScoreReader& r = **reader;
  fuzz_check(r.labels().size() == r.label_columns().size(), "labels and columns differ");
  fuzz_check(!r.labels().empty() && r.labels().size() <= 64, "label count out of range");
  winnow::ScoreRow row;
  for (;;) {
    winnow::Result<bool> more = r.next(&row);
    if (!more.is_ok()) {
      fuzz_check(more.status().message().find(path) != std::string::npos,
                 "row error without the path: " + more.status().message());
      return;
    }
    if (!*more) return;
    fuzz_check(row.line >= 1, "row line number 0");
    if (row.status == winnow::RowStatus::kMissingScore) continue;
    fuzz_check(row.scores.size() == r.labels().size(), "one score per label");
    for (double s : row.scores) fuzz_check(!std::isnan(s), "a NaN score came through");
    if (r.seekable()) {
      fuzz_check(row.text_offset + row.text_raw_size <= data.size(), "text bytes past the end");
      fuzz_check(winnow::unquote_csv_field(data.substr(row.text_offset, row.text_raw_size),
                                           row.text_quoted) == row.text,
                 "the raw text bytes do not give the text");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  winnow::ScoreReaderOptions options;
  read_all(data, winnow::fuzz::write_scratch_file("input.csv", data), options);

  const uint8_t choice = size > 0 ? bytes[0] : 0;
  options.missing = static_cast<winnow::MissingScore>(choice % 3);
  if (choice & 0x04) options.labels = {"toxicity", "insult"};
  if (choice & 0x08) options.text_column = "comment_text";
  const char* name = (choice & 0x30) == 0x10   ? "input.jsonl"
                     : (choice & 0x30) == 0x20 ? "input"
                                               : "input.csv";
  read_all(data, winnow::fuzz::write_scratch_file(name, data), options);
  return 0;
}
