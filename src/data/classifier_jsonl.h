// Classifier JSONL: the training-data format of Mistral's classifier fine-tuning (and of
// `winnow prepare`'s output). One JSON object per line:
//   {"text": "...", "labels": {"<head>": "<label>" | ["<label>", ...], ...}}
// or {"messages": [{"role": "...", "content": "..."}, ...], "labels": {...}}.
// Rules (docs/formats.md, mirroring the API spec §5.1–5.2): exactly one of text/messages; text
// non-empty; labels a non-empty object; each head's value a string (single-label) or a non-empty
// list of strings (multi-label). Heads and their labels are numbered in first-appearance order.
// A head is multi-label if any of its values is a list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

struct ChatMessage {
  std::string role;
  std::string content;
};

// One parsed line. `labels` keeps the order of the line's own object.
struct ClassifierSample {
  std::string text;                   // empty when the sample uses `messages`
  std::vector<ChatMessage> messages;  // empty when the sample uses `text`
  struct HeadValue {
    std::string head;
    std::vector<std::string> labels;  // one element for a string value
    bool is_list = false;             // the value was written as a list
  };
  std::vector<HeadValue> labels;
};

// Parses one line (without its newline). On error the Status message is "<field>: <problem>"
// (e.g. "labels.moderation: expected a string or a non-empty list of strings"); callers add
// "file:line: ". Never throws.
Result<ClassifierSample> parse_classifier_line(std::string_view line);

// Heads and labels seen across one or more files, in first-appearance order.
struct HeadSchema {
  std::string name;
  std::vector<std::string> labels;
  bool multi_label = false;                 // any value was a list
  std::vector<uint64_t> label_counts;       // samples carrying each label (parallel to labels)
  uint64_t samples_with_head = 0;
};

class ClassifierSchema {
 public:
  // Adds a parsed sample's heads and labels (new ones are appended in order).
  void add(const ClassifierSample& sample);
  const std::vector<HeadSchema>& heads() const { return heads_; }
  // Index of `name` in heads(), or -1.
  int find_head(std::string_view name) const;

 private:
  std::vector<HeadSchema> heads_;
};

// One bad line found by validate_classifier_files.
struct LineProblem {
  std::string file;
  uint64_t line = 0;      // 1-based
  std::string message;    // "<field>: <problem>"
  std::string to_string() const;  // "file:line: field: problem"
};

struct ValidationReport {
  ClassifierSchema schema;
  std::vector<std::string> files;
  std::vector<uint64_t> samples_per_file;   // valid samples per file (parallel to files)
  uint64_t lines_total = 0;                 // non-blank lines read
  uint64_t samples_valid = 0;
  std::vector<LineProblem> problems;        // every bad line, in file order
  bool ok() const { return problems.empty(); }
};

// Reads every file (plain or .gz), parses every line, accumulates the schema over valid lines
// and records each bad line. Also a problem: a file with no samples, a head with fewer than two
// labels overall (problem attached to the file, line 0). Returns an error Status only when a
// file cannot be read at all (missing, unreadable, truncated .gz).
Result<ValidationReport> validate_classifier_files(const std::vector<std::string>& paths);

}  // namespace winnow
