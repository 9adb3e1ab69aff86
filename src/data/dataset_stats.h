// Label distribution of classifier JSONL splits (the figure of the seed tutorial's Step 2):
// per split and per head, how many samples carry no flag, how many carry at least one, and how
// many carry each label.
//
// Definitions, for one head:
//  - a sample is "no flags" when its value for the head holds only the safe label (default
//    "safe") or when the sample has no value for the head at all;
//  - otherwise it is "flagged", and each of its labels other than the safe label counts once
//    (a label listed twice in one sample still counts once);
//  - the safe label is never reported as a label of its own.
// Heads and labels are numbered in first-appearance order across all splits, so every split
// reports the same label list (zeros where a split lacks a label) and colours stay consistent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/classifier_jsonl.h"

namespace winnow {

inline constexpr std::string_view kDefaultSafeLabel = "safe";

// One input file; one file is one split.
struct SplitFile {
  std::string name;  // "Train", "Validation", "Test" or the file stem
  std::string path;
};

// "Train" for training_file.jsonl, "Validation" for validation_file.jsonl, "Test" for
// test_file.jsonl (each also with a .gz suffix); otherwise the file name without its extensions
// ("data/my_split.jsonl.gz" -> "my_split").
std::string split_name_for_path(std::string_view path);

// Expands the command-line inputs: a single directory means its training_file.jsonl,
// validation_file.jsonl and test_file.jsonl, in that order, those present (kNotFound if none);
// otherwise every argument is a file, kept in order (kNotFound for a missing file,
// kInvalidArgument for a directory mixed with other inputs or an empty list).
Result<std::vector<SplitFile>> resolve_split_files(const std::vector<std::string>& inputs);

struct LabelCount {
  std::string label;
  uint64_t flagged = 0;      // samples carrying the label
  uint64_t not_flagged = 0;  // samples not carrying it (samples - flagged)
};

// One split seen through one head.
struct SplitDistribution {
  std::string split;  // display name
  std::string path;
  uint64_t samples = 0;
  uint64_t no_flags = 0;
  uint64_t flagged = 0;            // samples - no_flags
  std::vector<LabelCount> labels;  // the head's labels, first-appearance order
};

struct HeadDistribution {
  std::string head;
  std::string safe_label;
  std::vector<SplitDistribution> splits;  // input order
};

// Counts for every head of every split, gathered in one pass. Not thread-safe; cheap to copy.
class DatasetStats {
 public:
  explicit DatasetStats(std::string safe_label = std::string(kDefaultSafeLabel));

  // Starts a new split; later add() calls count towards it.
  void begin_split(std::string name, std::string path);
  // Counts one sample into the current split (begin_split must have been called).
  void add(const ClassifierSample& sample);

  const std::string& safe_label() const { return safe_label_; }
  // Heads in first-appearance order.
  std::vector<std::string> head_names() const;
  size_t split_count() const { return splits_.size(); }

  // The distribution for `head`; kNotFound naming the heads available when absent.
  Result<HeadDistribution> distribution(std::string_view head) const;

 private:
  struct Split {
    std::string name;
    std::string path;
    uint64_t samples = 0;
  };
  struct HeadCounts {
    std::string name;
    std::vector<std::string> labels;
    // Per split: samples flagged for this head, and per-label counts (may be shorter than
    // `labels` when a label first appeared in a later split).
    std::vector<uint64_t> flagged;
    std::vector<std::vector<uint64_t>> label_flagged;
  };
  HeadCounts& head_counts(const std::string& name);
  static size_t label_index(HeadCounts& head, const std::string& label);

  std::string safe_label_;
  std::vector<Split> splits_;
  std::vector<HeadCounts> heads_;
};

// Reads every split with LineReader (plain or gzip) and parse_classifier_line. Blank lines are
// skipped. The first bad line stops the run with kInvalidArgument "file:line: field: problem";
// an unreadable file returns its I/O error; a file without samples is kInvalidArgument
// "file: no samples".
Result<DatasetStats> compute_dataset_stats(const std::vector<SplitFile>& files,
                                           std::string safe_label = std::string(kDefaultSafeLabel));

}  // namespace winnow
