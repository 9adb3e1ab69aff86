// `winnow prepare`: the tutorial's Steps 1–3 as one streaming pipeline. For each split it reads
// (text, scores) rows, samples n rows (shuffled with a seed, or in file order), binarizes scores
// at a threshold, balances with the tutorial's algorithm, then drops labels rare over all splits
// combined and writes classifier JSONL plus prepare-summary.json.
//
// Memory: pass 1 keeps ~24 bytes per row (flags, text offset and size), not the text, and only
// the kept rows' entries survive it; pass 2 re-reads only the kept texts (plain CSV: from a
// mapping of the file, in chunks of output order, writing each chunk before the next; .gz and
// JSONL: by re-streaming the file). Peak memory is therefore bounded by the row count and one
// chunk of output (plain CSV) or the kept texts (others), not by the input's text volume.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/score_reader.h"

namespace winnow {

enum class SplitKind { kTrain = 0, kValidation = 1, kTest = 2 };
constexpr int kNumSplits = 3;
const char* split_name(SplitKind kind);         // "train", "validation", "test"
const char* split_output_file(SplitKind kind);  // "training_file.jsonl", ...

// A row is a member of an identity subgroup when its identity value is >= this (the bias
// audit's rule, eval/bias_audit.h).
constexpr double kIdentityMemberThreshold = 0.5;

struct PrepareOptions {
  std::string input_paths[kNumSplits];  // empty = split absent (train is required)
  ScoreReaderOptions reader;
  // Per split: read only the first N rows of a Parquet input (ScoreReaderOptions::row_limit;
  // 0 = all). `--hub` sets it when it fetched the hub's Parquet files.
  uint64_t input_row_limits[kNumSplits] = {0, 0, 0};
  uint64_t max_rows[kNumSplits] = {1000000, 50000, 50000};
  bool shuffle = true;
  uint64_t seed = 42;
  double threshold = 0.5;
  bool inclusive = false;  // score >= threshold (Kaggle) instead of > (tutorial)
  bool balance = true;
  double zero_flags_fraction = 0.1;
  double max_label_fraction = 0.2;
  double min_label_fraction = 0.01;
  std::string out_dir;
  std::string head = "moderation";
  std::string safe_label = "safe";
  // Tuning of the second pass over plain CSV files (not options of the command; tests make them
  // small to exercise many chunks and both threads on small files): output lines are produced
  // in chunks of about this many text bytes, and a chunk with at least parallel_text_bytes of
  // text is formatted by two threads.
  uint64_t chunk_text_bytes = 24 << 20;
  uint64_t parallel_text_bytes = 8 << 20;
  // Called with (phase label, bytes done, bytes total) while reading; may be empty.
  std::function<void(const std::string&, uint64_t, uint64_t)> progress;
};

// Checks ranges and combinations; the message names the option ("--threshold must be in [0, 1]").
Status validate_prepare_options(const PrepareOptions& options);

struct SplitSummary {
  bool present = false;
  std::string path;
  uint64_t rows_read = 0;  // data rows in the file
  uint64_t rows_skipped_empty_text = 0;
  uint64_t rows_skipped_missing = 0;  // under --missing skip
  uint64_t first_skipped_line = 0;
  int scan_threads = 1;
  uint64_t rows_sampled = 0;
  uint64_t rows_kept = 0;
  uint64_t rows_safe = 0;                 // kept rows written with the safe label
  std::vector<uint64_t> flagged_sampled;  // per label (all labels), among sampled rows
  std::vector<uint64_t> flagged_kept;     // per label (all labels), among kept rows
  std::string output_path;
  // With --identity-columns, per identity column: kept rows whose value is
  // >= kIdentityMemberThreshold (the bias audit's subgroup members), and kept rows annotated.
  std::vector<uint64_t> identity_members;
  std::vector<uint64_t> identity_annotated;
};

struct PrepareSummary {
  std::vector<std::string> labels;         // all label columns read
  std::vector<std::string> label_columns;  // source columns, parallel to labels
  std::string text_column;
  std::vector<std::string> labels_kept;
  std::vector<std::string> labels_removed;
  std::vector<double> label_rates;  // per label, over kept rows of all splits
  SplitSummary splits[kNumSplits];
  double seconds = 0;
  // Wall time per phase: pass 1, sampling + balancing, pass 2, formatting + writing (+ fsync).
  double seconds_scan = 0, seconds_select = 0, seconds_read_kept = 0, seconds_write = 0;
  nlohmann::json to_json(const PrepareOptions& options) const;
};

// Runs the pipeline and writes the output files atomically. Errors name file, line and column.
Result<PrepareSummary> run_prepare(const PrepareOptions& options);

}  // namespace winnow
