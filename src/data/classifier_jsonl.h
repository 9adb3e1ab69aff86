// Classifier JSONL: the training-data format of Mistral's classifier fine-tuning (and of
// `winnow prepare`'s output). One JSON object per line:
//   {"text": "...", "labels": {"<head>": "<label>" | ["<label>", ...], ...}}
// or {"messages": [{"role": "...", "content": "..."}, ...], "labels": {...}}.
// Rules (docs/formats.md, mirroring the API spec §5.1–5.2): exactly one of text/messages; text
// non-empty; labels a non-empty object; each head's value a string (single-label) or a non-empty
// list of strings (multi-label). Heads and their labels are numbered in first-appearance order.
// A head is multi-label if any of its values is a list.
//
// Stricter than the API spec, because each of these is a mistake in the data rather than a
// style: the line must be valid UTF-8; label strings and head names must be non-empty; a label
// may not repeat within one list; a key (text, messages, labels, or a head) may not repeat
// within its object; messages must be a non-empty list of {"role", "content"} objects with
// string values, a non-empty role, and at least one non-empty content. Unknown fields (at the
// top level and inside messages) are allowed and ignored.
//
// Blank lines (empty, or only spaces, tabs, CR, FF, VT) are not samples: readers skip them
// without counting them and without reporting a problem.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
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
    std::vector<std::string> labels;  // one element for a string value; never has duplicates
    bool is_list = false;             // the value was written as a list
  };
  std::vector<HeadValue> labels;
};

// The text a sample is classified on: its `text`, or for chat samples "<role>: <content>\n"
// per message (API spec C2).
std::string sample_text(const ClassifierSample& sample);

// True if the line is empty or holds only whitespace; such lines are skipped, not parsed.
bool is_blank_line(std::string_view line);

// Parses one line (without its newline). On error (kInvalidArgument) the Status message is
// "<field>: <problem>" (e.g. "labels.moderation[1]: expected a string, got number"), or for the
// line as a whole "line is not valid JSON (...)", "line is not a JSON object (got list)",
// "invalid UTF-8 at byte 17", "line nests lists and objects deeper than 1024 levels" (a limit
// of the parser). Numbers are not limited to 64 bits, but one beyond a double's range (1e400)
// is reported as not valid JSON. Only the first problem is reported: the input (text/messages) is
// checked before labels. Callers add "file:line: ". Never throws. Thread-safe: each thread
// reuses its own parser, whose buffers grow to the longest line that thread has parsed.
Result<ClassifierSample> parse_classifier_line(std::string_view line);

// Same, filling *sample and reusing its allocations: the form for loops over millions of lines.
// On error *sample holds unspecified (but valid) contents.
Status parse_classifier_line(std::string_view line, ClassifierSample* sample);

// Heads and labels seen across one or more files, in first-appearance order.
struct HeadSchema {
  std::string name;
  std::vector<std::string> labels;
  bool multi_label = false;            // any value was a list
  std::vector<uint64_t> label_counts;  // samples carrying each label (parallel to labels)
  uint64_t samples_with_head = 0;
};

// Not thread-safe; memory grows with the number of distinct heads and labels only.
class ClassifierSchema {
 public:
  // Adds a parsed sample's heads and labels (new ones are appended in order).
  void add(const ClassifierSample& sample);
  const std::vector<HeadSchema>& heads() const { return heads_; }
  // Index of `name` in heads(), or -1.
  int find_head(std::string_view name) const;
  // Index of `label` in heads()[head].labels, or -1 (also for a head index out of range).
  int find_label(int head, std::string_view label) const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using NameIndex = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;
  std::vector<HeadSchema> heads_;
  NameIndex head_index_;
  std::vector<NameIndex> label_index_;  // parallel to heads_
};

// One problem found by validate_classifier_files: a bad line, or (line 0) a whole file or head.
struct LineProblem {
  std::string file;
  uint64_t line = 0;    // 1-based; 0 when the problem is about the whole file or a head
  std::string message;  // "<field>: <problem>"
  // "file:line: field: problem", or "file: problem" when line is 0.
  std::string to_string() const;
};

struct ValidationReport {
  ClassifierSchema schema;
  std::vector<std::string> files;
  std::vector<uint64_t> samples_per_file;   // valid samples per file (parallel to files)
  std::vector<uint64_t> lines_per_file;     // non-blank lines per file (parallel to files)
  std::vector<uint64_t> problems_per_file;  // problems attached to each file (parallel to files)
  uint64_t lines_total = 0;                 // non-blank lines read
  uint64_t samples_valid = 0;
  uint64_t problem_count = 0;         // all problems, stored in `problems` or not
  std::vector<LineProblem> problems;  // every problem, in file order (see the sink overload)
  bool ok() const { return problem_count == 0; }
};

// Reads every file (plain or .gz), parses every line, accumulates the schema over valid lines
// and records each bad line. Also a problem: a file with no samples (line 0, after that file's
// bad lines), a head with fewer than two labels overall (line 0, attached to the first file the
// head appears in, after all files' problems). Returns an error Status only when a file cannot
// be read at all (missing, unreadable, truncated .gz); the partial report is then dropped.
// Memory is independent of file size except for the stored problems.
Result<ValidationReport> validate_classifier_files(const std::vector<std::string>& paths);

// Same, but hands each problem to `sink` as soon as it is found instead of storing it
// (report.problems stays empty; report.problem_count and problems_per_file still count them),
// so memory does not grow with the number of bad lines. Problems already handed over stay
// handed over if a later file cannot be read.
using ProblemSink = std::function<void(const LineProblem&)>;
Result<ValidationReport> validate_classifier_files(const std::vector<std::string>& paths,
                                                   const ProblemSink& sink);

}  // namespace winnow
