// `winnow validate FILE...`: checks classifier JSONL files and summarizes their heads and labels.
// Problems stream out as they are found (stderr, or the JSON "problems" array), so memory stays
// independent of file size and of the number of bad lines.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "data/classifier_jsonl.h"
#include "report/validation_json.h"

namespace winnow::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool json = false;
};

void print_padded(FILE* out, const std::string& s, size_t width) {
  std::fprintf(out, "%s%*s", s.c_str(), static_cast<int>(width > s.size() ? width - s.size() : 0),
               "");
}

void print_text_summary(const ValidationReport& report) {
  size_t name_width = 5;  // "total"
  for (const std::string& f : report.files) name_width = std::max(name_width, f.size());
  std::printf("%-*s %10s %10s %10s\n", static_cast<int>(name_width), "file", "lines", "samples",
              "problems");
  auto row = [&](const std::string& name, uint64_t lines, uint64_t samples, uint64_t problems) {
    print_padded(stdout, name, name_width);
    std::printf(" %10llu %10llu %10llu\n", static_cast<unsigned long long>(lines),
                static_cast<unsigned long long>(samples),
                static_cast<unsigned long long>(problems));
  };
  for (size_t f = 0; f < report.files.size(); ++f) {
    row(report.files[f], report.lines_per_file[f], report.samples_per_file[f],
        report.problems_per_file[f]);
  }
  if (report.files.size() > 1) {
    row("total", report.lines_total, report.samples_valid, report.problem_count);
  }

  for (const HeadSchema& head : report.schema.heads()) {
    std::printf("\nhead %s: %s, %zu label%s, %llu sample%s\n", head.name.c_str(),
                head.multi_label ? "multi-label" : "single-label", head.labels.size(),
                head.labels.size() == 1 ? "" : "s",
                static_cast<unsigned long long>(head.samples_with_head),
                head.samples_with_head == 1 ? "" : "s");
    size_t label_width = 0;
    uint64_t count_max = 0;
    for (size_t l = 0; l < head.labels.size(); ++l) {
      label_width = std::max(label_width, head.labels[l].size());
      count_max = std::max(count_max, head.label_counts[l]);
    }
    int count_width = static_cast<int>(std::to_string(count_max).size());
    for (size_t l = 0; l < head.labels.size(); ++l) {
      std::printf("  ");
      print_padded(stdout, head.labels[l], label_width);
      double share = 100.0 * static_cast<double>(head.label_counts[l]) /
                     static_cast<double>(head.samples_with_head);
      std::printf("  %*llu  %5.1f%%\n", count_width,
                  static_cast<unsigned long long>(head.label_counts[l]), share);
    }
  }

  size_t head_count = report.schema.heads().size();
  if (report.ok()) {
    std::printf("\nvalid: %llu sample%s in %zu file%s, %zu head%s\n",
                static_cast<unsigned long long>(report.samples_valid),
                report.samples_valid == 1 ? "" : "s", report.files.size(),
                report.files.size() == 1 ? "" : "s", head_count, head_count == 1 ? "" : "s");
  } else {
    std::printf("\ninvalid: %llu problem%s (listed on stderr)\n",
                static_cast<unsigned long long>(report.problem_count),
                report.problem_count == 1 ? "" : "s");
  }
}

// File names come from the command line and may not be UTF-8: never let dump() throw on them.
std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

int run_text(const ValidateOptions& options) {
  auto report = validate_classifier_files(options.files, [](const LineProblem& problem) {
    std::fprintf(stderr, "%s\n", problem.to_string().c_str());
  });
  if (!report.is_ok()) return report_error("validate", report.status());
  print_text_summary(report.value());
  return report->ok() ? kExitOk : kExitFailure;
}

// One JSON object on stdout. "problems" comes first so that it can be streamed; if a file cannot
// be read, the object still closes, with an "error" member instead of the summary.
int run_json(const ValidateOptions& options) {
  std::fputs("{\"problems\":[", stdout);
  bool first = true;
  auto report = validate_classifier_files(options.files, [&](const LineProblem& problem) {
    std::fputs(first ? "" : ",", stdout);
    std::fputs(dump(line_problem_json(problem)).c_str(), stdout);
    first = false;
  });
  if (!report.is_ok()) {
    std::printf("],\"error\":%s}\n", dump(report.status().message()).c_str());
    return report_error("validate", report.status());
  }
  std::string summary = dump(validation_summary_json(report.value()));
  std::printf("],%s\n", summary.c_str() + 1);  // splice: drop the summary's opening brace
  return report->ok() ? kExitOk : kExitFailure;
}

}  // namespace

CommandAction register_validate(CLI::App& root) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = root.add_subcommand(
      "validate", "Check classifier JSONL files and summarize their heads and labels");
  cmd->add_option("files", options->files,
                  "Classifier JSONL files, plain or gzip-compressed ('-' reads stdin)")
      ->required();
  cmd->add_flag("--json", options->json,
                "Print one JSON object (problems, files, heads) on stdout instead of text");
  cmd->footer(
      "Each problem is printed on stderr as 'file:line: field: problem'; the summary (samples per "
      "file, each head with its labels and counts) goes to stdout.\n"
      "Exit status: 0 valid, 1 problems found or a file could not be read, 2 usage error.");
  return [options] { return options->json ? run_json(*options) : run_text(*options); };
}

}  // namespace winnow::cli
