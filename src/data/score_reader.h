// Reads rows of (text, label scores) from a dataset file in the civil_comments layout: CSV with a
// header, or JSONL with one object per line (flat, or Hugging Face viewer rows
// {"row_idx": n, "row": {...}}), each optionally gzip-compressed, or Apache Parquet (a file, or a
// directory of part files: data/parquet_score_reader.h). Column mapping:
//   text:  `text`, else `comment_text` (or --text-column);
//   labels: the known score columns the file has, in canonical order (civil_comments:
//   toxicity, severe_toxicity, obscene, threat, insult, identity_attack, sexual_explicit, with
//   Kaggle's `target` read as toxicity; Jigsaw 2018: toxic, severe_toxic, identity_hate), or the
//   columns named by --labels.
// A score is a number (or true/false); empty, null and NaN are "missing" and handled per
// MissingScore. Every error names file, line and column.
// Identity columns (--identity-columns, for the bias audit) are carried alongside: a number in
// [0, 1] or true/false; empty, null and NaN mean "not annotated" (NaN in ScoreRow::identities).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/byte_source.h"

namespace winnow {

enum class MissingScore { kError, kZero, kSkip };

struct ScoreReaderOptions {
  std::vector<std::string> labels;  // empty: detect known score columns
  std::string text_column;          // empty: `text`, else `comment_text`
  MissingScore missing = MissingScore::kError;
  // Parquet input only: read just the first row_limit rows of the split (0 = all). Set by
  // `prepare --hub` so that a row limit means the same rows with the hub's Parquet files as with
  // its rows API; other formats refuse it.
  uint64_t row_limit = 0;
  // Identity columns to read into ScoreRow::identities; every one must be in the file.
  std::vector<std::string> identity_columns;
};

// The civil_comments score columns, in the order the tutorial lists them.
const std::vector<std::string>& civil_comments_labels();

enum class RowStatus { kOk, kEmptyText, kMissingScore };

struct ScoreRow {
  std::string_view text;           // valid until the next call to next()
  std::vector<double> scores;      // parallel to labels(); missing scores are 0 under kZero
  std::vector<double> identities;  // parallel to identity_columns(); NaN = not annotated
  RowStatus status = RowStatus::kOk;
  uint64_t line = 0;           // 1-based line where the row starts (see open_at)
  uint64_t record_offset = 0;  // CSV: file offset where the row's record starts
  // Where the text field sits in the file as written (CSV only): with seekable(), the text can
  // be fetched again later from these bytes with unquote_csv_field(raw, text_quoted).
  uint64_t text_offset = 0;
  uint64_t text_raw_size = 0;
  bool text_quoted = false;
};

class ScoreReader {
 public:
  virtual ~ScoreReader() = default;
  // Opens `path`, reads the header (CSV) or first object (JSONL) and resolves columns.
  // Format: .csv/.tsv → CSV, .jsonl/.json/.ndjson → JSONL (a trailing .gz is ignored);
  // .parquet/.parq or a directory → Parquet; otherwise sniffed (PAR1 magic → Parquet, '{' →
  // JSONL). Errors: missing text column, unknown --labels column, no score columns, identity
  // columns the file does not have (all of them named), empty file — each naming the file and
  // the columns it has.
  static Result<std::unique_ptr<ScoreReader>> open(const std::string& path,
                                                   const ScoreReaderOptions& options);
  // Like open(), then continues at `start_offset`, which the caller asserts is a record start of
  // a seekable() CSV file (used to scan halves of a large file in parallel). Line numbers of
  // rows read from there count from 1 at `start_offset`.
  static Result<std::unique_ptr<ScoreReader>> open_at(const std::string& path,
                                                      const ScoreReaderOptions& options,
                                                      uint64_t start_offset);

  // Reads the next row. Rows with an empty text come back with status kEmptyText; rows with a
  // missing score under MissingScore::kSkip with kMissingScore (callers count and drop them).
  // Malformed input (bad CSV, wrong field count, non-numeric score, invalid UTF-8, missing score
  // under kError, an identity value that is not a number in [0, 1]) is an error
  // "file:line: column 'x': problem".
  virtual Result<bool> next(ScoreRow* row) = 0;

  // Label names (after Kaggle's target→toxicity rename) and the columns they come from.
  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<std::string>& label_columns() const { return label_columns_; }
  const std::string& text_column() const { return text_column_; }
  const std::vector<std::string>& identity_columns() const { return identity_columns_; }
  const std::string& path() const { return path_; }
  bool is_csv() const { return is_csv_; }
  // Compressed bytes read so far and file size, for progress.
  virtual uint64_t position_bytes() const = 0;
  virtual uint64_t size_bytes() const = 0;
  // True when text_offset / text_raw_size address bytes of the file itself (plain CSV files;
  // not gzip streams or JSONL).
  virtual bool seekable() const = 0;

 protected:
  // Resolves text and label columns among `available` (the header); fills the members above.
  Status resolve_columns(const std::vector<std::string>& available,
                         const ScoreReaderOptions& options);
  // Index into `available` of each label column and of the text column.
  std::vector<size_t> label_index_;
  std::vector<size_t> identity_index_;  // parallel to identity_columns_
  std::vector<std::string> identity_columns_;
  size_t text_index_ = 0;
  std::vector<std::string> labels_;
  std::vector<std::string> label_columns_;
  std::string text_column_;
  std::string path_;
  bool is_csv_ = true;
  MissingScore missing_ = MissingScore::kError;
};

}  // namespace winnow
