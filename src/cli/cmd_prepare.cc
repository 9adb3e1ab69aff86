// `winnow prepare`: the front end of data/prepare.h.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/number_format.h"
#include "core/progress.h"
#include "data/identity_metadata.h"
#include "data/prepare.h"
#include "hub/dataset.h"

namespace winnow::cli {
namespace {

struct PrepareArgs {
  PrepareOptions options;
  std::string input_dir;
  std::string hub_dataset;
  std::string hub_config;
  std::string hub_endpoint;
  std::string hub_cache;
  std::string hub_format = "auto";
  std::string labels_csv;
  std::string identity_columns;
  std::string missing = "error";
  bool no_shuffle = false;
  bool no_balance = false;
  bool json = false;
  bool quiet = false;
};

// Finds DIR/<split>.{csv,jsonl,json}[.gz] or DIR/<split>.parquet; errors if a name is ambiguous.
Result<std::string> find_split_file(const std::string& dir, const std::vector<std::string>& stems,
                                    bool required) {
  static const char* kExtensions[] = {".csv",  ".csv.gz",  ".jsonl",  ".jsonl.gz",
                                      ".json", ".json.gz", ".parquet"};
  std::vector<std::string> found;
  for (const auto& stem : stems) {
    for (const char* ext : kExtensions) {
      auto p = std::filesystem::path(dir) / (stem + ext);
      if (std::filesystem::is_regular_file(p)) found.push_back(p.string());
    }
  }
  if (found.size() > 1) {
    return Status::invalid_argument(dir + ": several files for one split: " + found[0] + " and " +
                                    found[1] + "; name them with --train/--validation/--test");
  }
  if (found.empty()) {
    if (!required) return std::string();
    return Status::invalid_argument(dir + ": no " + stems[0] +
                                    ".csv / .jsonl (optionally .gz) or .parquet in this directory");
  }
  return found[0];
}

std::vector<std::string> split_csv_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

void print_summary(const PrepareSummary& s, const PrepareOptions& o) {
  std::vector<std::string> header = {"split", "read", "sampled", "kept", o.safe_label};
  for (const auto& l : s.labels_kept) header.push_back(l);
  TextTable table(header);
  for (int i = 0; i < kNumSplits; ++i) {
    const SplitSummary& sp = s.splits[i];
    if (!sp.present) continue;
    std::vector<std::string> row = {split_name(static_cast<SplitKind>(i)),
                                    format_count(sp.rows_read), format_count(sp.rows_sampled),
                                    format_count(sp.rows_kept), format_count(sp.rows_safe)};
    for (size_t k = 0; k < s.labels.size(); ++k) {
      if (std::find(s.labels_kept.begin(), s.labels_kept.end(), s.labels[k]) == s.labels_kept.end())
        continue;
      row.push_back(format_count(sp.flagged_kept[k]));
    }
    table.add_row(row);
  }
  std::printf("%s", table.render().c_str());
  for (int i = 0; i < kNumSplits; ++i) {
    const SplitSummary& sp = s.splits[i];
    uint64_t skipped = sp.rows_skipped_empty_text + sp.rows_skipped_missing;
    if (skipped == 0) continue;
    std::printf(
        "%s: skipped %s rows (%s with empty text, %s with a missing score), first at %s:%llu\n",
        split_name(static_cast<SplitKind>(i)), format_count(skipped).c_str(),
        format_count(sp.rows_skipped_empty_text).c_str(),
        format_count(sp.rows_skipped_missing).c_str(), sp.path.c_str(),
        static_cast<unsigned long long>(sp.first_skipped_line));
  }
  if (!s.labels_removed.empty()) {
    std::string removed;
    for (size_t k = 0; k < s.labels.size(); ++k) {
      if (std::find(s.labels_removed.begin(), s.labels_removed.end(), s.labels[k]) ==
          s.labels_removed.end())
        continue;
      if (!removed.empty()) removed += ", ";
      removed += s.labels[k] + " (" + percent(s.label_rates[k]) + ")";
    }
    std::printf("labels removed (under %s of kept rows): %s\n",
                percent(o.min_label_fraction).c_str(), removed.c_str());
  }
  for (int i = 0; i < kNumSplits; ++i) {
    const SplitSummary& sp = s.splits[i];
    if (!sp.present || o.reader.identity_columns.empty()) continue;
    std::string members;
    for (size_t j = 0; j < o.reader.identity_columns.size(); ++j) {
      if (sp.identity_members[j] == 0) continue;
      members += (members.empty() ? "" : ", ") + o.reader.identity_columns[j] + " " +
                 format_count(sp.identity_members[j]);
    }
    uint64_t annotated = 0;
    for (uint64_t a : sp.identity_annotated) annotated = std::max(annotated, a);
    std::printf("%s identities (kept rows with value >= 0.5; %s rows annotated): %s\n",
                split_name(static_cast<SplitKind>(i)), format_count(annotated).c_str(),
                members.empty() ? "none" : members.c_str());
  }
  std::string written;
  for (const SplitSummary& sp : s.splits) {
    if (sp.present) written += sp.output_path + ", ";
  }
  written += (std::filesystem::path(o.out_dir) / "prepare-summary.json").string();
  std::printf("wrote %s (%.2f s)\n", written.c_str(), s.seconds);
}

volatile std::sig_atomic_t g_interrupted = 0;

// Fetches the splits of --hub into the cache and points the options at them.
int fetch_from_hub(PrepareArgs& a) {
  PrepareOptions& o = a.options;
  HubDatasetRequest request;
  apply_hub_environment(&request.connection);
  if (!a.hub_endpoint.empty()) request.connection.endpoint = a.hub_endpoint;
  request.dataset = a.hub_dataset;
  request.config = a.hub_config;
  request.cache_dir =
      a.hub_cache.empty() ? (std::filesystem::path(o.out_dir) / "hub-cache").string() : a.hub_cache;
  request.max_rows = {o.max_rows[0], o.max_rows[1], o.max_rows[2]};
  request.format = a.hub_format == "rows"      ? HubFormat::kRows
                   : a.hub_format == "parquet" ? HubFormat::kParquet
                                               : HubFormat::kAuto;
  std::unique_ptr<ProgressBar> bar;
  std::string current;
  const bool show = !a.quiet && ProgressBar::stderr_is_terminal();
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  auto result =
      fetch_hub_dataset(request, [&](const std::string& split, uint64_t done, uint64_t wanted) {
        if (show) {
          if (split != current) {
            if (bar) bar->finish();
            current = split;
            bar = std::make_unique<ProgressBar>("downloading " + split, wanted);
          }
          bar->set_total(wanted);
          bar->update(done);
        }
        return g_interrupted == 0;
      });
  if (bar) bar->finish();
  std::signal(SIGINT, SIG_DFL);
  if (!result.is_ok()) {
    Status s = result.status();
    if (s.code() == StatusCode::kCancelled)
      s = Status::cancelled("interrupted; run the same command again to resume the download");
    return report_error("prepare", s);
  }
  for (int i = 0; i < kNumSplits; ++i) {
    if (!o.input_paths[i].empty()) continue;  // an explicit --train etc. wins
    o.input_paths[i] = result.value().paths[static_cast<size_t>(i)];
    o.input_row_limits[i] = result.value().row_limits[static_cast<size_t>(i)];
  }
  return kExitOk;
}

int run(PrepareArgs& a) {
  PrepareOptions& o = a.options;
  if (!a.hub_dataset.empty()) {
    if (!a.input_dir.empty())
      return usage_error("prepare", "give either --hub or --input, not both");
    if (int rc = fetch_from_hub(a); rc != kExitOk) return rc;
  }
  if (!a.input_dir.empty()) {
    if (!std::filesystem::is_directory(a.input_dir)) {
      return usage_error("prepare", "--input " + a.input_dir + " is not a directory");
    }
    const std::vector<std::vector<std::string>> stems = {
        {"train"}, {"validation", "valid", "dev"}, {"test"}};
    for (int s = 0; s < kNumSplits; ++s) {
      if (!o.input_paths[s].empty()) continue;  // an explicit --train etc. wins
      auto f = find_split_file(a.input_dir, stems[static_cast<size_t>(s)], s == 0);
      if (!f.is_ok()) return report_error("prepare", f.status());
      o.input_paths[s] = f.value();
    }
  }
  if (o.input_paths[0].empty())
    return usage_error("prepare", "give --train FILE, --input DIR or --hub DATASET");
  o.reader.labels = split_csv_list(a.labels_csv);
  if (!a.identity_columns.empty()) {
    auto identities = parse_identity_columns_flag(a.identity_columns);
    if (!identities.is_ok()) return usage_error("prepare", identities.status().message());
    o.reader.identity_columns = std::move(identities).value();
  }
  o.reader.missing = a.missing == "zero"   ? MissingScore::kZero
                     : a.missing == "skip" ? MissingScore::kSkip
                                           : MissingScore::kError;
  o.shuffle = !a.no_shuffle;
  o.balance = !a.no_balance;
  Status valid = validate_prepare_options(o);
  if (!valid.is_ok()) return usage_error("prepare", valid.message());

  std::unique_ptr<ProgressBar> bar;
  if (!a.quiet && ProgressBar::stderr_is_terminal()) {
    bar = std::make_unique<ProgressBar>("reading", 0);
    std::string current;
    o.progress = [&bar, current](const std::string& phase, uint64_t done, uint64_t total) mutable {
      if (phase != current) {
        current = phase;
        bar->set_label(phase);
      }
      bar->set_total(total);
      bar->update(done);
    };
  }
  auto result = run_prepare(o);
  if (bar) bar->finish();
  if (!result.is_ok()) return report_error("prepare", result.status());
  if (a.json) {
    std::cout << result.value().to_json(o).dump(2) << "\n";
  } else if (!a.quiet) {
    print_summary(result.value(), o);
  }
  return kExitOk;
}

}  // namespace

CommandAction register_prepare(CLI::App& root) {
  auto args = std::make_shared<PrepareArgs>();
  PrepareOptions& o = args->options;
  CLI::App* cmd = root.add_subcommand(
      "prepare",
      "Turn a dataset with float label scores (civil_comments layout, CSV or JSONL, optionally "
      ".gz, or Parquet) into classifier JSONL: sample, binarize, balance, drop rare labels.");
  cmd->add_option("--train", o.input_paths[0],
                  "Training split file (.csv, .jsonl, .parquet; or a directory of .parquet parts)");
  cmd->add_option("--validation", o.input_paths[1], "Validation split file");
  cmd->add_option("--test", o.input_paths[2], "Test split file");
  cmd->add_option("--input", args->input_dir,
                  "Directory holding train.*, validation.* (or valid.*, dev.*), test.* "
                  "(.csv, .jsonl, .json, each optionally .gz, or .parquet)");
  cmd->add_option("--hub", args->hub_dataset,
                  "Fetch the splits of a Hugging Face dataset (e.g. google/civil_comments) through "
                  "the dataset viewer API; resumable, cached under --hub-cache");
  cmd->add_option("--hub-config", args->hub_config,
                  "Dataset config (default: 'default' or the only one)");
  cmd->add_option("--hub-endpoint", args->hub_endpoint,
                  "Dataset viewer base URL (default https://datasets-server.huggingface.co, or "
                  "$WINNOW_HUB_ENDPOINT)");
  cmd->add_option("--hub-cache", args->hub_cache,
                  "Download cache directory (default OUT/hub-cache)");
  cmd->add_option(
         "--hub-format", args->hub_format,
         "How --hub downloads: 'parquet' (the hub's Parquet files: a few requests), 'rows' "
         "(the rows API: one request per 100 rows), or 'auto' (Parquet for splits of "
         "10,000 rows or more, else rows; rows when there are no Parquet files)")
      ->check(CLI::IsMember({"auto", "parquet", "rows"}))
      ->default_val("auto");
  cmd->add_option("--out", o.out_dir, "Output directory")->default_val("prepared");
  cmd->add_option("--labels", args->labels_csv,
                  "Comma-separated label columns (default: the known score columns present)");
  cmd->add_option("--text-column", o.reader.text_column,
                  "Text column (default: text, else comment_text)");
  cmd->add_option("--identity-columns", args->identity_columns,
                  "Carry identity columns into each line's metadata ({\"metadata\": {\"identity\": "
                  "{\"male\": 0.6, ...}}}, empty cells as null) for 'winnow eval "
                  "--identity-columns': a comma-separated list, 'all' (the 24 civil_comments "
                  "identity columns) or 'jigsaw' (the 9 of the Jigsaw bias metric)");
  cmd->add_option("--missing", args->missing, "An empty score is an error, 0, or drops the row")
      ->check(CLI::IsMember({"error", "zero", "skip"}))
      ->default_val("error");
  cmd->add_option("--n-train", o.max_rows[0], "Rows sampled from train")->default_val(1000000);
  cmd->add_option("--n-validation", o.max_rows[1], "Rows sampled from validation")
      ->default_val(50000);
  cmd->add_option("--n-test", o.max_rows[2], "Rows sampled from test")->default_val(50000);
  cmd->add_option("--seed", o.seed, "Shuffle seed")->default_val(42);
  cmd->add_flag("--no-shuffle", args->no_shuffle,
                "Keep file order: take the first n rows, write in file order");
  cmd->add_option("--threshold", o.threshold, "A label is flagged when its score > threshold")
      ->default_val(0.5);
  cmd->add_flag("--inclusive", o.inclusive, "Flag scores >= threshold (Kaggle's convention)");
  cmd->add_flag("--no-balance", args->no_balance, "Keep every sampled row (no balancing)");
  cmd->add_option("--zero-flags-fraction", o.zero_flags_fraction,
                  "Share of rows with no flag after balancing")
      ->default_val(0.1);
  cmd->add_option("--max-label-fraction", o.max_label_fraction,
                  "Cap on each label's share of the flagged rows")
      ->default_val(0.2);
  cmd->add_option("--min-label-fraction", o.min_label_fraction,
                  "Drop labels flagged in fewer than this share of all kept rows")
      ->default_val(0.01);
  cmd->add_option("--head", o.head, "Name of the classifier head (target) in the output")
      ->default_val("moderation");
  cmd->add_option("--safe-label", o.safe_label, "Label written when nothing is flagged")
      ->default_val("safe");
  cmd->add_flag("--json", args->json, "Print the summary as JSON instead of a table");
  cmd->add_flag("--quiet", args->quiet, "No progress bar or table");
  return [args] { return run(*args); };
}

}  // namespace winnow::cli
