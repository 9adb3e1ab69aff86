#include "jobs/job_validation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "data/byte_source.h"
#include "data/classifier_jsonl.h"
#include "eval/model_evaluation.h"
#include "store/file_io.h"
#include "text/feature_hasher.h"
#include "train/schedule.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace winnow::jobs {
namespace {

using store::ClassifierTarget;

// The heads a line is checked against. Empty names = anything goes (training data without
// requested targets: the data defines the heads).
struct HeadRules {
  bool open = true;
  std::vector<ClassifierTarget> targets;
  std::string what;  // "classifier targets" or "training data", for messages
};

// "" if the sample fits the rules, else "<field>: <problem>".
std::string check_sample(const ClassifierSample& sample, const HeadRules& rules) {
  if (rules.open) return {};
  for (const ClassifierSample::HeadValue& hv : sample.labels) {
    auto t = std::find_if(rules.targets.begin(), rules.targets.end(),
                          [&](const ClassifierTarget& c) { return c.name == hv.head; });
    if (t == rules.targets.end()) {
      return "labels." + hv.head + ": head '" + hv.head + "' is not in the " + rules.what;
    }
    if (t->loss_function == "single_class" && hv.labels.size() != 1) {
      return "labels." + hv.head + ": head '" + hv.head + "' is single_class, but the sample has " +
             std::to_string(hv.labels.size()) + " labels";
    }
    for (const std::string& label : hv.labels) {
      if (std::find(t->labels.begin(), t->labels.end(), label) == t->labels.end()) {
        return "labels." + hv.head + ": label '" + label + "' is not a label of '" + hv.head +
               "' in the " + rules.what;
      }
    }
  }
  return {};
}

struct SplitStats {
  int64_t lines = 0;
  int64_t invalid = 0;
  std::string first_problem;
};

struct FileScan {
  int64_t samples = 0;
  int64_t tokens = 0;              // words
  uint64_t tokens_at_least_1 = 0;  // words with every sample counted as at least 1 (sampler)
};

// Reads one of the job's files: counts, schema (if `schema`), and a cleaned copy if needed.
Result<FileScan> scan_file(store::Store& store, const store::JobRecord& job,
                           const std::string& file_id, const std::string& label,
                           const HeadRules& rules, ClassifierSchema* schema, SplitStats* split) {
  const std::string path = store.job_file_path(job.id, file_id);
  auto source = open_byte_source(path);
  if (!source.is_ok()) return source.status().with_context(label);
  LineReader reader(std::move(source).value());
  FileScan scan;
  std::string kept;  // valid lines, in case some are dropped
  bool dropped = false;
  ClassifierSample sample;
  FeatureScratch scratch;
  std::string_view line;
  for (;;) {
    auto more = reader.next(&line);
    if (!more.is_ok()) return more.status().with_context(label);
    if (!*more) break;
    if (is_blank_line(line)) continue;
    ++split->lines;
    Status parsed = parse_classifier_line(line, &sample);
    std::string problem;
    if (!parsed.is_ok()) {
      problem = parsed.message();
    } else {
      problem = check_sample(sample, rules);
    }
    if (!problem.empty()) {
      ++split->invalid;
      dropped = true;
      if (split->first_problem.empty()) {
        split->first_problem =
            label + " line " + std::to_string(reader.line_number()) + ": " + problem;
      }
      continue;
    }
    kept.append(line);
    kept += '\n';
    ++scan.samples;
    const uint32_t words = FeatureHasher::count_tokens(sample_text(sample), &scratch);
    scan.tokens += words;
    scan.tokens_at_least_1 += std::max<uint32_t>(1, words);
    if (schema) schema->add(sample);
  }
  const std::string clean = clean_file_path(store, job.id, file_id);
  if (dropped) {
    store::FileIo& io = store.io();
    const std::string dir = std::filesystem::path(clean).parent_path().string();
    WINNOW_RETURN_IF_ERROR(io.make_dirs(dir));
    const std::string temp = clean + ".tmp-clean";
    Status written = io.write_file(temp, kept);
    if (written.is_ok()) written = io.rename(temp, clean);
    if (written.is_ok()) written = io.fsync_dir(dir);
    if (!written.is_ok()) {
      (void)io.remove(temp);
      return written;
    }
  } else {
    WINNOW_RETURN_IF_ERROR(store.io().remove(clean));  // from an earlier, interrupted run
  }
  return scan;
}

Status check_split(const SplitStats& split, double skip_fraction, const char* name) {
  if (split.invalid == 0) return Status::ok();
  if (skip_fraction <= 0) return Status::invalid_argument(split.first_problem);
  if (static_cast<double>(split.invalid) > skip_fraction * static_cast<double>(split.lines)) {
    return Status::invalid_argument(
        std::to_string(split.invalid) + " of " + std::to_string(split.lines) + " " + name +
        " lines are invalid, more than invalid_sample_skip_percentage " +
        nlohmann::json(skip_fraction).dump() + " allows; first: " + split.first_problem);
  }
  return Status::ok();
}

// Rough speed of the engine (docs/training.md: 200 steps of 32,768 words in ~3.5 s on 2
// threads), for expected_duration_seconds.
constexpr double kEstimatedTokensPerSecond = 2e6;

}  // namespace

std::string clean_file_path(store::Store& store, const std::string& job_id,
                            const std::string& file_id) {
  return store.job_dir(job_id) + "/clean/" + file_id + ".jsonl";
}

std::string training_input_path(store::Store& store, const std::string& job_id,
                                const std::string& file_id) {
  const std::string clean = clean_file_path(store, job_id, file_id);
  std::error_code ec;
  if (std::filesystem::exists(clean, ec)) return clean;
  return store.job_file_path(job_id, file_id);
}

std::vector<HeadSpec> heads_for_targets(const std::vector<ClassifierTarget>& targets) {
  std::vector<HeadSpec> heads;
  for (const ClassifierTarget& t : targets) {
    HeadSpec h;
    h.name = t.name;
    h.labels = t.labels;
    h.kind = t.loss_function == "multi_class" ? HeadKind::kMultiLabel : HeadKind::kSingleLabel;
    h.loss_weight = static_cast<float>(t.weight);
    h.thresholds.assign(h.labels.size(), h.kind == HeadKind::kMultiLabel
                                             ? 0.5f
                                             : 1.0f / static_cast<float>(h.labels.size()));
    heads.push_back(std::move(h));
  }
  return heads;
}

Result<ValidationOutcome> validate_job_data(store::Store& store, const store::JobRecord& job) {
  auto label_of = [&](const std::string& file_id) {
    auto f = store.get_file(job.workspace, file_id);
    return (f.is_ok() ? f->filename + " " : std::string()) + "(file " + file_id + ")";
  };
  const double skip = job.invalid_sample_skip_percentage;

  // Training files: the requested targets (if any) are the universe.
  HeadRules train_rules;
  if (!job.requested_targets.empty()) {
    train_rules.open = false;
    train_rules.targets = job.requested_targets;
    train_rules.what = "classifier targets";
  }
  ClassifierSchema schema;
  SplitStats train_split;
  std::vector<FileScan> scans;
  for (const store::JobTrainingFile& f : job.training_files) {
    WINNOW_ASSIGN_OR_RETURN(FileScan scan, scan_file(store, job, f.file_id, label_of(f.file_id),
                                                     train_rules, &schema, &train_split));
    scans.push_back(scan);
  }
  WINNOW_RETURN_IF_ERROR(check_split(train_split, skip, "training"));
  for (size_t i = 0; i < scans.size(); ++i) {
    if (scans[i].samples == 0) {
      return Status::invalid_argument(label_of(job.training_files[i].file_id) +
                                      ": no valid samples");
    }
  }

  // Heads: the requested targets (loss_function inferred from the data where not given), or
  // the data's heads in first-appearance order.
  ValidationOutcome out;
  if (!job.requested_targets.empty()) {
    for (ClassifierTarget t : job.requested_targets) {
      if (t.loss_function.empty()) {
        const int h = schema.find_head(t.name);
        const bool multi = h >= 0 && schema.heads()[static_cast<size_t>(h)].multi_label;
        t.loss_function = multi ? "multi_class" : "single_class";
      }
      out.targets.push_back(std::move(t));
    }
  } else {
    for (const HeadSchema& h : schema.heads()) {
      out.targets.push_back(
          {h.name, h.labels, 1.0, h.multi_label ? "multi_class" : "single_class"});
    }
  }
  for (const ClassifierTarget& t : out.targets) {
    if (t.labels.size() < 2) {
      return Status::invalid_argument(
          "head '" + t.name + "' has " +
          (t.labels.empty() ? std::string("no label")
                            : "only the label '" + t.labels.front() + "'") +
          (job.requested_targets.empty() ? " in the training data" : "") +
          "; a head needs at least two");
    }
  }

  // Validation files: only the heads and labels just settled.
  HeadRules valid_rules;
  valid_rules.open = false;
  valid_rules.targets = out.targets;
  valid_rules.what = job.requested_targets.empty() ? "training data" : "classifier targets";
  SplitStats valid_split;
  for (const std::string& id : job.validation_files) {
    WINNOW_ASSIGN_OR_RETURN(
        FileScan scan, scan_file(store, job, id, label_of(id), valid_rules, nullptr, &valid_split));
    if (scan.samples == 0 && valid_split.invalid == 0) {
      return Status::invalid_argument(label_of(id) + ": no samples");
    }
  }
  WINNOW_RETURN_IF_ERROR(check_split(valid_split, skip, "validation"));
  // Identity values (metadata.identity) make training audit the model (docs/bias-audit.md); a
  // bad one is refused here, naming the file by its upload name, rather than when training starts.
  if (!job.validation_files.empty()) {
    std::vector<std::string> paths;
    for (const std::string& id : job.validation_files) {
      paths.push_back(training_input_path(store, job.id, id));
    }
    Result<std::vector<std::string>> identities = eval::identities_in_files(paths);
    if (!identities.is_ok()) {
      // "<path>:<line>: problem" as this file's other messages say it: "<label> line N: problem".
      std::string message = identities.status().message();
      for (size_t i = 0; i < paths.size(); ++i) {
        const size_t at = message.find(paths[i] + ":");
        if (at == std::string::npos) continue;
        const size_t number = at + paths[i].size() + 1;
        const size_t end = message.find(':', number);
        if (end == std::string::npos) {
          message.replace(at, paths[i].size(), label_of(job.validation_files[i]));
        } else {
          message.replace(
              at, end - at,
              label_of(job.validation_files[i]) + " line " + message.substr(number, end - number));
        }
      }
      return Status(identities.status().code(), message);
    }
  }

  // Tokens and the step plan, computed as the trainer will (weighted sampler, plan_steps).
  double weighted_samples = 0, weighted_tokens = 0;
  for (size_t i = 0; i < scans.size(); ++i) {
    const double w = job.training_files[i].weight;
    out.data_tokens += scans[i].tokens;
    out.train_samples += scans[i].samples;
    weighted_samples += w * static_cast<double>(scans[i].samples);
    weighted_tokens += w * static_cast<double>(scans[i].tokens_at_least_1);
  }
  out.invalid_lines_skipped = train_split.invalid + valid_split.invalid;
  const double mean_weight =
      weighted_samples / static_cast<double>(std::max<int64_t>(1, out.train_samples));
  out.tokens_per_pass = static_cast<uint64_t>(
      std::max(1.0, std::round(weighted_tokens / std::max(mean_weight, 1e-300))));
  const store::Hyperparameters& hp = job.hyperparameters;
  WINNOW_ASSIGN_OR_RETURN(
      const StepPlan plan,
      plan_steps(hp.training_steps, hp.training_steps ? std::nullopt : hp.epochs, kDefaultEpochs,
                 out.tokens_per_pass, kDefaultTokensPerStep,
                 hp.warmup_fraction.value_or(hyper::kDefaultWarmupFraction)));
  out.training_steps = plan.total_steps;
  out.epochs = plan.epochs;
  out.train_tokens = plan.total_steps * static_cast<int64_t>(plan.tokens_per_step);
  return out;
}

int64_t expected_duration_seconds(int64_t train_tokens) {
  return 1 + static_cast<int64_t>(
                 std::ceil(static_cast<double>(train_tokens) / kEstimatedTokensPerSecond));
}

}  // namespace winnow::jobs
