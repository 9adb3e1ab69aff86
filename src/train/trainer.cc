#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include "core/worker_team.h"
#include "eval/binary_metrics.h"
#include "train/linear_learner.h"
#include "train/losses.h"
#include "train/schedule.h"

namespace winnow {

// L2 strength per unit of weight_decay, relative to the data size: the regularized objective
// is mean loss + (weight_decay * kL2PerDecay / n) / 2 * |w|^2, i.e. logistic regression with
// C = 1 / (weight_decay * kL2PerDecay). Tuned so that Mistral's default 0.1 is our best setting.
constexpr double kL2PerDecay = 2.5;
// With validation data, each loss unit picks its L2 strength among weight_decay times these.
constexpr double kL2SearchMultipliers[] = {0.25, 1.0, 4.0, 16.0};
// Memory limits: the search's replicas together, and one model's weights.
constexpr double kMaxSearchBytes = 1.0 * (1ull << 30);
constexpr double kMaxWeightBytes = 4.0 * (1ull << 30);

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Scores and 0/1 targets of output `o` over the samples that carry head `h`.
void gather_label(const SampleSet& data, const std::vector<float>& scores, uint32_t outputs,
                  uint32_t h, uint32_t o, std::vector<float>* s, std::vector<uint8_t>* y) {
  s->clear();
  y->clear();
  for (size_t i = 0; i < data.size(); ++i) {
    if (!data.heads_of(i)[h]) continue;
    s->push_back(scores[i * outputs + o]);
    y->push_back(data.targets_of(i)[o]);
  }
}

// Mean ROC-AUC (src/eval) over the outputs whose validation samples hold both classes (NaN if
// none).
double macro_auc(const ModelSpec& spec, const SampleSet& data, const std::vector<float>& scores) {
  const std::vector<HeadLayout> heads = head_layouts(spec);
  std::vector<float> s;
  std::vector<uint8_t> y;
  double sum = 0;
  int count = 0;
  for (const HeadLayout& h : heads) {
    for (uint32_t k = 0; k < h.size; ++k) {
      gather_label(data, scores, data.num_outputs, h.index, h.offset + k, &s, &y);
      const Result<double> auc = eval::roc_auc(s, y);
      if (!auc.is_ok()) continue;  // one class only (or no samples): undefined
      sum += auc.value();
      ++count;
    }
  }
  return count ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

// See TrainEvent::valid_accuracy. `scores` are probabilities (size x outputs), as
// LinearLearner::evaluate writes them: a multi-label head predicts the labels over 0.5.
double exact_accuracy(const ModelSpec& spec, const SampleSet& data,
                      const std::vector<float>& scores) {
  const std::vector<HeadLayout> heads = head_layouts(spec);
  const uint32_t outputs = data.num_outputs;
  uint64_t pairs = 0, right = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    const float* z = scores.data() + i * outputs;
    const uint8_t* y = data.targets_of(i);
    for (const HeadLayout& h : heads) {
      if (!data.heads_of(i)[h.index]) continue;
      ++pairs;
      bool ok = true;
      if (h.kind == HeadKind::kMultiLabel) {
        for (uint32_t k = 0; k < h.size && ok; ++k) {
          ok = (z[h.offset + k] > 0.5f) == (y[h.offset + k] != 0);
        }
      } else {
        uint32_t top = 0;
        for (uint32_t k = 1; k < h.size; ++k) {
          if (z[h.offset + k] > z[h.offset + top]) top = k;
        }
        ok = y[h.offset + top] != 0;
      }
      right += ok ? 1 : 0;
    }
  }
  return pairs ? static_cast<double>(right) / static_cast<double>(pairs)
               : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

// Tunes thresholds into spec->heads and returns the validation metrics block of the metadata.
// Each label's threshold is src/eval's best-F1 threshold on the validation samples that carry
// its head (ScoreRanking::best_f1, the one rule of docs/training.md "Thresholds"); a label with
// no positive there keeps its default (0.5 for sigmoid heads, 1/labels for softmax heads):
// F1 is 0 at every threshold, so validation says nothing about it.
Result<nlohmann::json> tune_thresholds(ModelSpec* spec, const SampleSet& data,
                                       const std::vector<float>& scores, double loss) {
  std::vector<float> s;
  std::vector<uint8_t> y;
  nlohmann::json heads = nlohmann::json::object();
  double auc_sum = 0, f1_sum = 0;
  int auc_n = 0, f1_n = 0;
  for (size_t h = 0; h < spec->heads.size(); ++h) {
    HeadSpec& head = spec->heads[h];
    const uint32_t offset = spec->output_offset(h);
    nlohmann::json labels = nlohmann::json::object();
    for (size_t k = 0; k < head.labels.size(); ++k) {
      gather_label(data, scores, data.num_outputs, static_cast<uint32_t>(h),
                   offset + static_cast<uint32_t>(k), &s, &y);
      WINNOW_ASSIGN_OR_RETURN(const eval::ScoreRanking ranking, eval::ScoreRanking::build(s, y));
      const Result<double> auc = ranking.roc_auc();
      eval::PrecisionRecallF1 at_threshold;
      if (ranking.positives() > 0) {
        WINNOW_ASSIGN_OR_RETURN(const eval::ThresholdChoice t, ranking.best_f1());
        head.thresholds[k] = t.threshold;
        at_threshold = t.scores;
        f1_sum += t.scores.f1;
        ++f1_n;
      }
      if (auc.is_ok()) {
        auc_sum += auc.value();
        ++auc_n;
      }
      labels[head.labels[k]] = {
          {"roc_auc", auc.is_ok() ? nlohmann::json(auc.value()) : nlohmann::json(nullptr)},
          {"f1", at_threshold.f1},
          {"precision", at_threshold.precision},
          {"recall", at_threshold.recall},
          {"threshold", head.thresholds[k]},
          {"positives", ranking.positives()},
          {"samples", ranking.samples()}};
    }
    heads[head.name] = {{"labels", labels}};
  }
  return nlohmann::json{
      {"samples", data.size()},
      {"loss", loss},
      {"macro_roc_auc",
       number_or_null(auc_n ? auc_sum / auc_n : std::numeric_limits<double>::quiet_NaN())},
      {"macro_f1", number_or_null(f1_n ? f1_sum / f1_n : std::numeric_limits<double>::quiet_NaN())},
      {"heads", heads}};
}

}  // namespace

Status check_train_options(const TrainOptions& o) {
  if (o.train_files.empty()) return Status::invalid_argument("no training file given");
  if (!(o.learning_rate > 0 && o.learning_rate <= 1)) {
    return Status::invalid_argument("learning rate must be in (0, 1]");
  }
  if (!(o.weight_decay >= 0 && o.weight_decay <= 1)) {
    return Status::invalid_argument("weight decay must be in [0, 1]");
  }
  if (!(o.warmup_fraction >= 0 && o.warmup_fraction <= 1)) {
    return Status::invalid_argument("warmup fraction must be in [0, 1]");
  }
  if (o.tokens_per_step == 0) return Status::invalid_argument("tokens per step must be >= 1");
  if (!(o.max_invalid_fraction >= 0 && o.max_invalid_fraction <= 0.5)) {
    return Status::invalid_argument("invalid sample fraction must be in [0, 0.5]");
  }
  if (o.evaluations < 1) return Status::invalid_argument("evaluations must be >= 1");
  if (!o.l2_search_multipliers.empty()) {
    bool has_one = false;
    for (double m : o.l2_search_multipliers) {
      if (!(m > 0) || !std::isfinite(m)) {
        return Status::invalid_argument("L2 search multipliers must be > 0");
      }
      has_one = has_one || m == 1.0;
    }
    if (!has_one) return Status::invalid_argument("L2 search multipliers must include 1");
  }
  for (const TrainFileSpec& f : o.train_files) {
    if (!(f.weight > 0) || !std::isfinite(f.weight)) {
      return Status::invalid_argument("weight of " + f.path + " must be > 0");
    }
  }
  if (o.training_steps && o.epochs) {
    return Status::invalid_argument("give either training steps or epochs, not both");
  }
  if (o.training_steps && *o.training_steps < 1) {
    return Status::invalid_argument("training steps must be >= 1");
  }
  if (o.epochs && !(*o.epochs > 0 && std::isfinite(*o.epochs))) {
    return Status::invalid_argument("epochs must be > 0");
  }
  WINNOW_RETURN_IF_ERROR(o.features.validate());
  return resolve_architecture(o.architecture).status();
}

namespace {

nlohmann::json head_summary(const ModelSpec& spec, const SampleSet& train) {
  nlohmann::json heads = nlohmann::json::array();
  for (size_t h = 0; h < spec.heads.size(); ++h) {
    const uint32_t offset = spec.output_offset(h);
    nlohmann::json counts = nlohmann::json::object();
    uint64_t with_head = 0;
    std::vector<uint64_t> pos(spec.heads[h].labels.size(), 0);
    for (size_t i = 0; i < train.size(); ++i) {
      if (!train.heads_of(i)[h]) continue;
      ++with_head;
      for (size_t k = 0; k < pos.size(); ++k) pos[k] += train.targets_of(i)[offset + k];
    }
    for (size_t k = 0; k < pos.size(); ++k) counts[spec.heads[h].labels[k]] = pos[k];
    heads.push_back({{"name", spec.heads[h].name},
                     {"kind", head_kind_name(spec.heads[h].kind)},
                     {"samples", with_head},
                     {"label_counts", counts}});
  }
  return heads;
}

}  // namespace

const std::vector<std::string>& known_architectures() {
  static const std::vector<std::string> kNames = {"linear"};
  return kNames;
}

Result<std::string> resolve_architecture(const std::string& name) {
  if (name.empty() || name == "default" || name == "ministral-3b-latest" ||
      name == "ministral-8b-latest") {
    return std::string("linear");
  }
  for (const std::string& a : known_architectures()) {
    if (a == name) return a;
  }
  return Status::invalid_argument("unknown model architecture '" + name +
                                  "' (known: linear; aliases: ministral-3b-latest, "
                                  "ministral-8b-latest)");
}

std::string train_event_json(const TrainEvent& e) {
  static const char* kNames[] = {"started", "step", "eval", "finished"};
  nlohmann::json j = {{"event", kNames[static_cast<int>(e.kind)]},
                      {"step", e.step},
                      {"total_steps", e.total_steps},
                      {"epoch", e.epoch},
                      {"tokens", e.tokens},
                      {"elapsed_s", e.elapsed_seconds}};
  if (e.kind == TrainEvent::Kind::kStep || e.kind == TrainEvent::Kind::kEvaluated) {
    j["learning_rate"] = e.learning_rate;
    j["train_loss"] = number_or_null(e.train_loss);
  }
  if (e.kind == TrainEvent::Kind::kEvaluated) {
    j["valid_loss"] = e.valid_loss ? number_or_null(*e.valid_loss) : nlohmann::json(nullptr);
    j["valid_macro_roc_auc"] =
        e.valid_macro_auc ? number_or_null(*e.valid_macro_auc) : nlohmann::json(nullptr);
    j["valid_accuracy"] =
        e.valid_accuracy ? number_or_null(*e.valid_accuracy) : nlohmann::json(nullptr);
    j["best"] = e.best;
  }
  if (!e.details.is_null()) j["details"] = e.details;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::shared_ptr<const Model>> train_model(const TrainOptions& o) {
  WINNOW_RETURN_IF_ERROR(check_train_options(o));
  WINNOW_ASSIGN_OR_RETURN(const std::string architecture, resolve_architecture(o.architecture));
  const Clock::time_point t0 = Clock::now();
  const std::time_t created_at = std::time(nullptr);
  WorkerTeam team(resolve_thread_count(o.threads));
  auto emit = [&](TrainEvent e) {
    if (!o.on_event) return;
    e.elapsed_seconds = seconds_since(t0);
    o.on_event(e);
  };

  std::vector<std::string> train_paths;
  for (const TrainFileSpec& f : o.train_files) train_paths.push_back(f.path);
  WINNOW_ASSIGN_OR_RETURN(RawSplit train_raw, read_split(train_paths, o.max_invalid_fraction));
  WINNOW_ASSIGN_OR_RETURN(std::vector<HeadSpec> heads, derive_heads(train_raw, o.heads));
  ModelSpec spec{architecture, o.features, o.weighting, std::move(heads)};
  WINNOW_RETURN_IF_ERROR(spec.validate());
  {
    const double bytes = static_cast<double>(spec.features.buckets()) * spec.num_outputs() * 4;
    if (bytes > kMaxWeightBytes) {
      return Status::invalid_argument(
          "the model would need " + std::to_string(static_cast<int64_t>(bytes / 1e6)) +
          " MB of weights (2^" + std::to_string(spec.features.hash_bits) + " buckets x " +
          std::to_string(spec.num_outputs()) + " labels); use fewer hash bits (--hash-bits)");
    }
  }
  const bool has_valid = !o.validation_files.empty();
  RawSplit valid_raw;
  if (has_valid) {
    WINNOW_ASSIGN_OR_RETURN(valid_raw, read_split(o.validation_files, o.max_invalid_fraction));
  }
  const std::vector<uint64_t> samples_per_file = train_raw.samples_per_file;
  const uint64_t valid_invalid_lines = [&] {
    uint64_t n = 0;
    for (uint64_t v : valid_raw.invalid_lines_per_file) n += v;
    return n;
  }();
  auto cancelled = [&] { return o.cancel && o.cancel->load(std::memory_order_relaxed); };
  if (cancelled()) return Status::cancelled("training cancelled before featurizing");
  std::vector<float> idf;
  WINNOW_ASSIGN_OR_RETURN(SampleSet train, featurize_split(&train_raw, spec, true, &idf, &team));
  if (cancelled()) return Status::cancelled("training cancelled before the first step");
  SampleSet valid;
  if (has_valid) {
    WINNOW_ASSIGN_OR_RETURN(valid, featurize_split(&valid_raw, spec, false, &idf, &team));
  }

  std::vector<double> sample_weights(train.size());
  std::vector<uint64_t> tokens_per_file(o.train_files.size(), 0);
  for (size_t i = 0; i < train.size(); ++i) {
    sample_weights[i] = o.train_files[train.file_of_sample[i]].weight;
    tokens_per_file[train.file_of_sample[i]] += train.tokens[i];
  }
  BatchSampler sampler(std::move(sample_weights), train.tokens, o.seed);
  const uint64_t tokens_per_pass = static_cast<uint64_t>(std::llround(sampler.tokens_per_pass()));
  WINNOW_ASSIGN_OR_RETURN(
      const StepPlan plan,
      plan_steps(o.training_steps, o.epochs, kDefaultEpochs, std::max<uint64_t>(1, tokens_per_pass),
                 o.tokens_per_step, o.warmup_fraction));
  const double base_lr = kEngineLearningRate * o.learning_rate / kMistralDefaultLearningRate;
  const double l2 = o.weight_decay * kL2PerDecay / static_cast<double>(train.size());

  nlohmann::json files = nlohmann::json::array();
  for (size_t f = 0; f < o.train_files.size(); ++f) {
    files.push_back({{"path", o.train_files[f].path},
                     {"weight", o.train_files[f].weight},
                     {"samples", samples_per_file[f]},
                     {"tokens", tokens_per_file[f]},
                     {"invalid_lines_skipped", train_raw.invalid_lines_per_file[f]}});
  }
  const nlohmann::json data_summary = {{"files", files},
                                       {"samples", train.size()},
                                       {"data_tokens", train.total_tokens()},
                                       {"heads", head_summary(spec, train)},
                                       {"validation_files", o.validation_files},
                                       {"validation_samples", valid.size()},
                                       {"validation_invalid_lines_skipped", valid_invalid_lines}};
  const nlohmann::json hyperparameters = {
      {"training_steps", plan.total_steps},
      {"epochs", plan.epochs},
      {"learning_rate", o.learning_rate},
      {"weight_decay", o.weight_decay},
      {"warmup_fraction", o.warmup_fraction},
      {"train_tokens_per_step", plan.tokens_per_step},
      {"train_tokens", static_cast<uint64_t>(plan.total_steps) * plan.tokens_per_step},
      {"seed", o.seed},
      {"threads", team.size()},
      {"engine_learning_rate", base_lr},
      {"engine_l2", l2}};
  {
    TrainEvent e;
    e.kind = TrainEvent::Kind::kStarted;
    e.total_steps = plan.total_steps;
    e.details = {{"hyperparameters", hyperparameters}, {"training_data", data_summary}};
    emit(std::move(e));
  }

  // L2 strengths: one replica per candidate when validation data can choose among them.
  // The search multiplies training memory by its size, so it is skipped for very wide models.
  const double weight_bytes = static_cast<double>(spec.features.buckets()) * spec.num_outputs() * 4;
  std::vector<double> l2_multipliers = {1.0};
  if (has_valid && o.l2_search) {
    l2_multipliers.assign(std::begin(kL2SearchMultipliers), std::end(kL2SearchMultipliers));
    if (!o.l2_search_multipliers.empty()) l2_multipliers = o.l2_search_multipliers;
    if (weight_bytes * static_cast<double>(l2_multipliers.size()) > kMaxSearchBytes) {
      l2_multipliers = {1.0};
    }
  }
  const size_t center = static_cast<size_t>(
      std::find(l2_multipliers.begin(), l2_multipliers.end(), 1.0) - l2_multipliers.begin());
  std::vector<double> l2s;
  for (double m : l2_multipliers) l2s.push_back(l2 * m);
  LinearLearner learner(spec, train, l2s, team.size());
  const std::vector<LossUnit> units = loss_units(spec);
  const size_t reps = learner.replicas();

  const int64_t eval_every =
      std::max<int64_t>(1, (plan.total_steps + o.evaluations - 1) / o.evaluations);
  std::vector<uint32_t> batch;
  batch.reserve(plan.tokens_per_step + 1);
  std::vector<double> step_losses, unit_losses;
  std::vector<float> rep_scores, valid_scores;
  // The model being assembled: per unit, the replica and step with the lowest validation loss.
  std::vector<float> best_weights(static_cast<size_t>(spec.features.buckets()) * spec.num_outputs(),
                                  0.0f);
  std::vector<float> best_bias(spec.num_outputs(), 0.0f);
  std::vector<double> best_unit_loss(units.size(), std::numeric_limits<double>::infinity());
  std::vector<size_t> best_unit_rep(units.size(), center);
  std::vector<int64_t> best_unit_step(units.size(), 0);
  uint64_t tokens = 0;
  double loss_since_eval = 0;
  uint64_t samples_since_eval = 0;
  const double pass = std::max(1.0, sampler.tokens_per_pass());
  const uint32_t outputs = spec.num_outputs();
  for (int64_t step = 0; step < plan.total_steps; ++step) {
    if (o.cancel && o.cancel->load(std::memory_order_relaxed)) {
      return Status::cancelled("training cancelled at step " + std::to_string(step));
    }
    const double multiplier = lr_multiplier(plan, step);
    tokens += sampler.next_batch(plan.tokens_per_step, &batch);
    learner.train_step(train, batch, static_cast<float>(base_lr * multiplier), &team, &step_losses);
    loss_since_eval += step_losses[center];
    samples_since_eval += batch.size();
    TrainEvent e;
    e.kind = TrainEvent::Kind::kStep;
    e.step = step + 1;
    e.total_steps = plan.total_steps;
    e.tokens = tokens;
    e.epoch = static_cast<double>(tokens) / pass;
    e.learning_rate = o.learning_rate * multiplier;
    e.train_loss = step_losses[center] / static_cast<double>(batch.size());
    emit(e);
    const bool last = step + 1 == plan.total_steps;
    if (has_valid && ((step + 1) % eval_every == 0 || last)) {
      learner.evaluate(valid, units, &rep_scores, &unit_losses, &team);
      // Per unit: the replica that is best now; it replaces the kept one if it beats it.
      double vloss = 0;
      e.best = false;
      valid_scores.assign(valid.size() * outputs, 0.0f);
      for (size_t u = 0; u < units.size(); ++u) {
        size_t r_best = 0;
        for (size_t r = 1; r < reps; ++r) {
          if (unit_losses[r * units.size() + u] < unit_losses[r_best * units.size() + u])
            r_best = r;
        }
        const double l = unit_losses[r_best * units.size() + u];
        vloss += l;
        for (size_t i = 0; i < valid.size(); ++i) {
          for (uint32_t o2 = 0; o2 < units[u].outputs; ++o2) {
            const size_t out = units[u].first_output + o2;
            valid_scores[i * outputs + out] = rep_scores[(i * reps + r_best) * outputs + out];
          }
        }
        if (l < best_unit_loss[u]) {
          best_unit_loss[u] = l;
          best_unit_rep[u] = r_best;
          best_unit_step[u] = step + 1;
          learner.copy_unit(r_best, units[u], &best_weights, &best_bias, &team);
          e.best = true;
        }
      }
      e.kind = TrainEvent::Kind::kEvaluated;
      e.train_loss =
          loss_since_eval / static_cast<double>(std::max<uint64_t>(1, samples_since_eval));
      e.valid_loss = vloss / static_cast<double>(std::max<size_t>(1, valid.size()));
      e.valid_macro_auc = macro_auc(spec, valid, valid_scores);
      e.valid_accuracy = exact_accuracy(spec, valid, valid_scores);
      loss_since_eval = 0;
      samples_since_eval = 0;
      emit(e);
    }
  }
  if (!has_valid) {
    for (size_t u = 0; u < units.size(); ++u) {
      learner.copy_unit(center, units[u], &best_weights, &best_bias, &team);
      best_unit_step[u] = plan.total_steps;
    }
  }
  const int64_t best_step = *std::max_element(best_unit_step.begin(), best_unit_step.end());
  nlohmann::json selection = nlohmann::json::array();
  for (size_t u = 0; u < units.size(); ++u) {
    const HeadSpec& head = spec.heads[units[u].head];
    nlohmann::json labels = nlohmann::json::array();
    for (uint32_t k = 0; k < units[u].outputs; ++k) {
      labels.push_back(head.labels[units[u].first_output - spec.output_offset(units[u].head) + k]);
    }
    selection.push_back({{"head", head.name},
                         {"labels", labels},
                         {"weight_decay", o.weight_decay * l2_multipliers[best_unit_rep[u]]},
                         {"step", best_unit_step[u]}});
  }

  // Final scores come from linear_logits, the function the saved model uses, so thresholds are
  // tuned on exactly the scores users will see.
  nlohmann::json validation = nullptr;
  if (has_valid) {
    const uint32_t n = spec.num_outputs();
    valid_scores.assign(valid.size() * n, 0.0f);
    std::vector<double> losses(static_cast<size_t>(team.size()), 0.0);
    const std::vector<HeadLayout> layouts = head_layouts(spec);
    team.run_ranges(valid.size(), [&](size_t begin, size_t end, int member) {
      std::vector<float> z(n);
      for (size_t i = begin; i < end; ++i) {
        linear_logits(best_weights, best_bias, valid.features_of(i), z);
        losses[static_cast<size_t>(member)] +=
            sample_loss(layouts, z.data(), valid.targets_of(i), valid.heads_of(i), nullptr);
        logits_to_scores(spec, z, std::span<float>(valid_scores.data() + i * n, n));
      }
    });
    double loss = 0;
    for (double l : losses) loss += l;
    WINNOW_ASSIGN_OR_RETURN(
        validation, tune_thresholds(&spec, valid, valid_scores,
                                    loss / static_cast<double>(std::max<size_t>(1, valid.size()))));
  }

  nlohmann::json metadata = {{"model_name", o.model_name.empty() ? architecture : o.model_name},
                             {"hyperparameters", hyperparameters},
                             {"training_data", data_summary},
                             {"best_step", best_step},
                             {"selection", selection},
                             {"validation", validation},
                             {"thresholds_tuned", has_valid},
                             {"train_seconds", seconds_since(t0)},
                             {"created_at", static_cast<int64_t>(created_at)},
                             {"winnow_version", WINNOW_VERSION}};
  TrainEvent done;
  done.kind = TrainEvent::Kind::kFinished;
  done.step = plan.total_steps;
  done.total_steps = plan.total_steps;
  done.tokens = tokens;
  done.epoch = static_cast<double>(tokens) / pass;
  done.details = metadata;
  WINNOW_ASSIGN_OR_RETURN(auto model,
                          Model::create(std::move(spec), std::move(metadata), std::move(idf),
                                        std::move(best_weights), std::move(best_bias)));
  emit(std::move(done));
  return model;
}

}  // namespace winnow
