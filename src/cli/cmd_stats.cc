// `winnow stats`: label distribution of classifier JSONL splits as a table (or JSON) and the
// seed tutorial's Step 2 figure (PNG + SVG).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "data/dataset_stats.h"
#include "report/distribution_chart.h"
#include "report/distribution_table.h"

namespace winnow::cli {
namespace {

struct StatsOptions {
  std::vector<std::string> inputs;
  std::string out_prefix;  // empty: <dir>/distribution for a DIR input, else ./distribution
  std::string head;        // empty: the first head seen
  std::string safe_label = std::string(kDefaultSafeLabel);
  bool json = false;
  bool no_chart = false;
};

// "--out charts/train.png" means the prefix "charts/train": both files share one stem.
std::string chart_prefix(const StatsOptions& options) {
  std::string prefix = options.out_prefix;
  if (prefix.empty()) {
    std::error_code ec;
    bool one_dir =
        options.inputs.size() == 1 && std::filesystem::is_directory(options.inputs[0], ec);
    return one_dir ? (std::filesystem::path(options.inputs[0]) / "distribution").string()
                   : "distribution";
  }
  for (std::string_view ext : {".png", ".svg"}) {
    if (prefix.size() > ext.size() && prefix.ends_with(ext))
      prefix.resize(prefix.size() - ext.size());
  }
  return prefix;
}

int run_stats(const StatsOptions& options) {
  constexpr std::string_view kCommand = "stats";
  if (options.safe_label.empty()) return usage_error(kCommand, "--safe-label must not be empty");

  Result<std::vector<SplitFile>> files = resolve_split_files(options.inputs);
  if (!files.is_ok()) {
    // A directory mixed with files is a mistake in the command line, not in the data.
    if (files.status().code() == StatusCode::kInvalidArgument) {
      return usage_error(kCommand, files.status().message());
    }
    return report_error(kCommand, files.status());
  }
  Result<DatasetStats> stats = compute_dataset_stats(files.value(), options.safe_label);
  if (!stats.is_ok()) return report_error(kCommand, stats.status());

  std::vector<std::string> heads = stats->head_names();
  std::string head = options.head.empty() ? heads.front() : options.head;
  Result<HeadDistribution> dist = stats->distribution(head);
  if (!dist.is_ok()) return usage_error(kCommand, dist.status().message());

  std::string png, svg;
  if (!options.no_chart) {
    std::string prefix = chart_prefix(options);
    png = prefix + ".png";
    svg = prefix + ".svg";
    Status written = write_distribution_png(dist.value(), png);
    if (written.is_ok()) written = write_distribution_svg(dist.value(), svg);
    if (!written.is_ok()) return report_error(kCommand, written);
  }

  if (options.json) {
    nlohmann::ordered_json out = distribution_to_json(dist.value(), heads);
    out["chart"] = options.no_chart ? nlohmann::ordered_json(nullptr)
                                    : nlohmann::ordered_json({{"png", png}, {"svg", svg}});
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::fputs(format_distribution_table(dist.value()).c_str(), stdout);
    if (!options.no_chart) std::printf("\nchart: %s, %s\n", png.c_str(), svg.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandAction register_stats(CLI::App& root) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* cmd = root.add_subcommand(
      "stats",
      "Label distribution of classifier JSONL splits: a table (or --json) and the tutorial's "
      "figure as PNG + SVG");
  cmd->footer(
      "A DIR argument reads its training_file.jsonl, validation_file.jsonl and test_file.jsonl "
      "(those present).\nA sample has \"no flags\" when its labels for the head are only the "
      "safe label or it has no value for the head.\nExit codes: 0 ok, 1 bad input, 2 usage error.");
  cmd->add_option("inputs", options->inputs,
                  "Classifier JSONL files (plain or .gz), or one directory")
      ->required()
      ->type_name("FILE|DIR");
  cmd->add_option("--out", options->out_prefix,
                  "Chart path prefix: writes PREFIX.png and PREFIX.svg [default: DIR/distribution "
                  "for a directory, else ./distribution]")
      ->type_name("PREFIX");
  cmd->add_option("--head", options->head, "Head to report [default: the first head]")
      ->type_name("NAME");
  cmd->add_option("--safe-label", options->safe_label, "Label meaning \"nothing flagged\"")
      ->capture_default_str()
      ->type_name("LABEL");
  cmd->add_flag("--json", options->json, "Print a JSON object instead of the table");
  cmd->add_flag("--no-chart", options->no_chart, "Do not write the PNG and SVG");
  return [options] { return run_stats(*options); };
}

}  // namespace winnow::cli
