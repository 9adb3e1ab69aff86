#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/worker_team.h"
#include "eval/bias_audit_json.h"
#include "eval/binary_metrics.h"
#include "eval/model_evaluation.h"
#include "model/architecture.h"
#include "train/hyperparameters.h"
#include "train/learner.h"
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
      // Share of the validation samples the threshold flags: near 1 means the best-F1 choice
      // is "flag (almost) everything", i.e. the data hardly separates the label (the CLI warns).
      size_t flagged = 0;
      for (float x : s) flagged += x >= head.thresholds[k] ? 1 : 0;
      const double flag_rate =
          s.empty() ? 0.0 : static_cast<double>(flagged) / static_cast<double>(s.size());
      labels[head.labels[k]] = {
          {"flag_rate", flag_rate},
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
  WINNOW_RETURN_IF_ERROR(hyper::check(
      {o.training_steps, o.epochs, o.learning_rate, o.weight_decay, o.warmup_fraction}));
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
  WINNOW_RETURN_IF_ERROR(o.features.validate());
  if (!(o.fine_tune_epochs >= hyper::kFineTuneEpochs.min &&
        o.fine_tune_epochs <= hyper::kFineTuneEpochs.max)) {
    return Status::invalid_argument(
        "fine-tune epochs must be in [" +
        std::to_string(static_cast<int>(hyper::kFineTuneEpochs.min)) + ", " +
        std::to_string(static_cast<int>(hyper::kFineTuneEpochs.max)) + "]");
  }
  if (!(o.encoder_norm > 0 && std::isfinite(o.encoder_norm))) {
    return Status::invalid_argument("encoder norm must be > 0");
  }
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

std::string train_event_json(const TrainEvent& e) {
  static const char* kNames[] = {"fine_tuning", "started", "step", "eval", "finished"};
  static_assert(std::size(kNames) == static_cast<size_t>(TrainEvent::Kind::kFinished) + 1);
  nlohmann::json j = {{"event", kNames[static_cast<int>(e.kind)]},
                      {"step", e.step},
                      {"total_steps", e.total_steps},
                      {"epoch", e.epoch},
                      {"tokens", e.tokens},
                      {"elapsed_s", e.elapsed_seconds}};
  if (e.kind == TrainEvent::Kind::kStep || e.kind == TrainEvent::Kind::kEvaluated) {
    j["learning_rate"] = e.learning_rate;
    j["train_loss"] = number_or_null(e.train_loss);
    j["steps_per_second"] = e.steps_per_second;
    j["eta_s"] = e.eta_seconds;
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

namespace {

// Stage 1's output: the spec, the tensors training does not learn, and both splits featurized.
struct PreparedData {
  ModelSpec spec;
  TensorDataMap fixed;
  TensorDataMap carried;  // what tune_fixed learned beside the fixed tensors (learner.h)
  std::vector<float> idf;
  SampleSet train, valid;
  nlohmann::json data_summary;
  // The identities of the validation files' samples (eval::identities_in_files): the finished
  // model is audited on them (stage 5). Empty: no audit.
  std::vector<std::string> audit_identities;
};

// Stage 1: read both splits, derive the heads, load the architecture's fixed tensors, featurize.
Result<PreparedData> read_and_featurize(const TrainOptions& o, const Architecture& arch,
                                        WorkerTeam* team, const std::function<bool()>& cancelled) {
  PreparedData d;
  std::vector<std::string> train_paths;
  for (const TrainFileSpec& f : o.train_files) train_paths.push_back(f.path);
  WINNOW_ASSIGN_OR_RETURN(RawSplit train_raw, read_split(train_paths, o.max_invalid_fraction));
  WINNOW_ASSIGN_OR_RETURN(std::vector<HeadSpec> heads, derive_heads(train_raw, o.heads));
  d.spec =
      ModelSpec{std::string(arch.name), o.features, o.weighting, {}, o.chunking, std::move(heads)};
  WINNOW_ASSIGN_OR_RETURN(d.fixed, architecture_training(arch.name).fixed_tensors(o, &d.spec));
  WINNOW_RETURN_IF_ERROR(d.spec.validate());
  if (const auto tune = architecture_training(arch.name).tune_fixed; tune != nullptr) {
    if (cancelled()) return Status::cancelled("training cancelled before fine-tuning");
    WINNOW_RETURN_IF_ERROR(tune(o, train_raw, &d.spec, &d.fixed, &d.carried, team->size()));
  }
  const double bytes = static_cast<double>(d.spec.num_inputs()) * d.spec.num_outputs() * 4;
  if (bytes > kMaxWeightBytes) {
    return Status::invalid_argument(
        "the model would need " + std::to_string(static_cast<int64_t>(bytes / 1e6)) +
        " MB of weights (2^" + std::to_string(d.spec.features.hash_bits) + " buckets x " +
        std::to_string(d.spec.num_outputs()) + " labels); use fewer hash bits (--hash-bits)");
  }
  TensorMap fixed_views;
  for (const auto& [name, t] : d.fixed) fixed_views.emplace(name, t.view());
  WINNOW_ASSIGN_OR_RETURN(const std::shared_ptr<const void> runtime,
                          arch.bind(d.spec, fixed_views));
  RawSplit valid_raw;
  if (!o.validation_files.empty()) {
    WINNOW_ASSIGN_OR_RETURN(valid_raw, read_split(o.validation_files, o.max_invalid_fraction));
    // Checked now, before any training, so that bad identity values fail in seconds.
    WINNOW_ASSIGN_OR_RETURN(d.audit_identities, eval::identities_in_files(o.validation_files));
  }
  const std::vector<uint64_t> samples_per_file = train_raw.samples_per_file;
  const std::vector<uint64_t> invalid_per_file = train_raw.invalid_lines_per_file;
  uint64_t valid_invalid_lines = 0;
  for (uint64_t v : valid_raw.invalid_lines_per_file) valid_invalid_lines += v;
  if (!d.audit_identities.empty() && valid_invalid_lines > 0) {
    // The audit scores every line, as `winnow eval` does, so that its numbers are eval's.
    return Status::invalid_argument(
        "the validation files carry identity values (metadata.identity) for a bias audit, which "
        "needs every line valid, but " +
        std::to_string(valid_invalid_lines) +
        " invalid lines were skipped: fix them, or leave metadata.identity out to train "
        "without an audit");
  }
  if (cancelled()) return Status::cancelled("training cancelled before featurizing");
  WINNOW_ASSIGN_OR_RETURN(
      d.train, featurize_split(&train_raw, d.spec, runtime.get(), true, &d.idf, team,
                               FeatureStorage::kCompact,
                               d.carried.empty() ? ExtraInputs::kAppend : ExtraInputs::kOmit));
  // The parsed lines (labels, line numbers) are not needed once featurized: free them before
  // the validation split's features are added.
  train_raw = RawSplit();
#ifdef __GLIBC__
  // The texts and lines were many small heap blocks among others: hand their pages back to
  // the system, or they stay resident through training (glibc keeps freed heap memory).
  malloc_trim(0);
#endif
  if (cancelled()) return Status::cancelled("training cancelled before the first step");
  if (!o.validation_files.empty()) {
    WINNOW_ASSIGN_OR_RETURN(
        d.valid, featurize_split(&valid_raw, d.spec, runtime.get(), false, &d.idf, team));
  }
  if (o.auto_window && d.train.size() > 0) {
    std::vector<uint32_t> lengths = d.train.tokens;
    const size_t at = std::min(lengths.size() - 1, lengths.size() * 99 / 100);
    std::nth_element(lengths.begin(), lengths.begin() + static_cast<std::ptrdiff_t>(at),
                     lengths.end());
    d.spec.chunking.window_words = std::clamp<uint32_t>(lengths[at], 32, 256);
    d.spec.chunking.overlap_words = d.spec.chunking.window_words / 4;
  }
  std::vector<uint64_t> tokens_per_file(o.train_files.size(), 0);
  for (size_t i = 0; i < d.train.size(); ++i) {
    tokens_per_file[d.train.file_of_sample[i]] += d.train.tokens[i];
  }
  nlohmann::json files = nlohmann::json::array();
  for (size_t f = 0; f < o.train_files.size(); ++f) {
    files.push_back({{"path", o.train_files[f].path},
                     {"weight", o.train_files[f].weight},
                     {"samples", samples_per_file[f]},
                     {"tokens", tokens_per_file[f]},
                     {"invalid_lines_skipped", invalid_per_file[f]}});
  }
  d.data_summary = {{"files", files},
                    {"samples", d.train.size()},
                    {"data_tokens", d.train.total_tokens()},
                    {"heads", head_summary(d.spec, d.train)},
                    {"validation_files", o.validation_files},
                    {"validation_samples", d.valid.size()},
                    {"validation_invalid_lines_skipped", valid_invalid_lines}};
  return d;
}

// Stage 2's output: the learned tensors (per unit, the kept replica and checkpoint) and what
// was chosen.
struct FitResult {
  TensorDataMap learned;
  nlohmann::json selection;
  int64_t best_step = 0;
  uint64_t tokens = 0;
};

// Stage 2 and 3: the step loop of the architecture's learner, with a validation pass every
// so often that keeps, per loss unit, the replica (L2 strength) and checkpoint with the
// lowest validation loss.
Result<FitResult> fit(const TrainOptions& o, const PreparedData& d, const StepPlan& plan,
                      BatchSampler* sampler, double l2, double base_lr, WorkerTeam* team,
                      const std::function<void(TrainEvent)>& emit) {
  const ModelSpec& spec = d.spec;
  const bool has_valid = !o.validation_files.empty();
  // L2 strengths: one replica per candidate when validation data can choose among them.
  // The search multiplies training memory by its size, so it is skipped for very wide models.
  const double weight_bytes = static_cast<double>(spec.num_inputs()) * spec.num_outputs() * 4;
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
  std::unique_ptr<Learner> learner =
      architecture_training(spec.architecture).make_learner(spec, d.train, l2s, team->size());
  const std::vector<LossUnit> units = loss_units(spec);
  const size_t reps = learner->replicas();
  const SampleSet& valid = d.valid;

  const int64_t eval_every =
      std::max<int64_t>(1, (plan.total_steps + o.evaluations - 1) / o.evaluations);
  std::vector<uint32_t> batch;
  batch.reserve(plan.tokens_per_step + 1);
  std::vector<double> step_losses, unit_losses;
  std::vector<float> rep_scores, valid_scores;
  std::vector<double> best_unit_loss(units.size(), std::numeric_limits<double>::infinity());
  std::vector<size_t> best_unit_rep(units.size(), center);
  std::vector<int64_t> best_unit_step(units.size(), 0);
  FitResult r;
  double loss_since_eval = 0;
  uint64_t samples_since_eval = 0;
  const double pass = std::max(1.0, sampler->tokens_per_pass());
  const uint32_t outputs = spec.num_outputs();
  const Clock::time_point steps_start = Clock::now();
  for (int64_t step = 0; step < plan.total_steps; ++step) {
    if (o.cancel && o.cancel->load(std::memory_order_relaxed)) {
      return Status::cancelled("training cancelled at step " + std::to_string(step));
    }
    const double multiplier = lr_multiplier(plan, step);
    r.tokens += sampler->next_batch(plan.tokens_per_step, &batch);
    learner->train_step(d.train, batch, static_cast<float>(base_lr * multiplier), team,
                        &step_losses);
    loss_since_eval += step_losses[center];
    samples_since_eval += batch.size();
    TrainEvent e;
    e.kind = TrainEvent::Kind::kStep;
    e.step = step + 1;
    e.total_steps = plan.total_steps;
    e.tokens = r.tokens;
    e.epoch = static_cast<double>(r.tokens) / pass;
    e.learning_rate = o.learning_rate * multiplier;
    e.train_loss = step_losses[center] / static_cast<double>(batch.size());
    const double running = seconds_since(steps_start);
    e.steps_per_second = running > 0 ? static_cast<double>(step + 1) / running : 0;
    e.eta_seconds = e.steps_per_second > 0
                        ? static_cast<double>(plan.total_steps - step - 1) / e.steps_per_second
                        : 0;
    emit(e);
    const bool last = step + 1 == plan.total_steps;
    if (has_valid && ((step + 1) % eval_every == 0 || last)) {
      learner->evaluate(valid, units, &rep_scores, &unit_losses, team);
      // Per unit: the replica that is best now; it replaces the kept one if it beats it.
      double vloss = 0;
      e.best = false;
      valid_scores.assign(valid.size() * outputs, 0.0f);
      for (size_t u = 0; u < units.size(); ++u) {
        size_t r_best = 0;
        for (size_t k = 1; k < reps; ++k) {
          if (unit_losses[k * units.size() + u] < unit_losses[r_best * units.size() + u])
            r_best = k;
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
          learner->keep_unit(r_best, units[u], team);
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
      learner->keep_unit(center, units[u], team);
      best_unit_step[u] = plan.total_steps;
    }
  }
  r.best_step = *std::max_element(best_unit_step.begin(), best_unit_step.end());
  r.selection = nlohmann::json::array();
  for (size_t u = 0; u < units.size(); ++u) {
    const HeadSpec& head = spec.heads[units[u].head];
    nlohmann::json labels = nlohmann::json::array();
    for (uint32_t k = 0; k < units[u].outputs; ++k) {
      labels.push_back(head.labels[units[u].first_output - spec.output_offset(units[u].head) + k]);
    }
    r.selection.push_back({{"head", head.name},
                           {"labels", labels},
                           {"weight_decay", o.weight_decay * l2_multipliers[best_unit_rep[u]]},
                           {"step", best_unit_step[u]}});
  }
  r.learned = learner->take_kept();
  return r;
}

// Stage 4: validation scores of the assembled model, through Model::logits (the function the
// saved model scores with, so thresholds are tuned on exactly the scores users will see), and
// the best-F1 thresholds into *spec. Returns the metadata's validation block.
Result<nlohmann::json> score_and_tune(const Model& model, const SampleSet& valid, ModelSpec* spec,
                                      WorkerTeam* team) {
  const uint32_t n = spec->num_outputs();
  std::vector<float> valid_scores(valid.size() * n, 0.0f);
  std::vector<double> losses(static_cast<size_t>(team->size()), 0.0);
  const std::vector<HeadLayout> layouts = head_layouts(*spec);
  team->run_ranges(valid.size(), [&](size_t begin, size_t end, int member) {
    std::vector<float> z(n);
    for (size_t i = begin; i < end; ++i) {
      model.logits(valid.features_of(i), z);
      losses[static_cast<size_t>(member)] +=
          sample_loss(layouts, z.data(), valid.targets_of(i), valid.heads_of(i), nullptr);
      logits_to_scores(*spec, z, std::span<float>(valid_scores.data() + i * n, n));
    }
  });
  double loss = 0;
  for (double l : losses) loss += l;
  return tune_thresholds(spec, valid, valid_scores,
                         loss / static_cast<double>(std::max<size_t>(1, valid.size())));
}

// Stage 5: the identity-bias audit of the finished model on the validation files, by
// eval::evaluate_model (what `winnow eval --identity-columns all` runs, with its default
// options: the same scores, through Model::predict_batch, and the same numbers), one
// bias_audit_json.h object per audited (multi-label) head.
Result<nlohmann::json> audit_validation(const Model& model, const TrainOptions& o,
                                        const std::vector<std::string>& identities) {
  eval::EvaluateOptions options;
  options.threads = o.threads;
  options.identity_columns = identities;
  Result<eval::ModelEvaluation> evaluation =
      eval::evaluate_model(model, o.validation_files, options);
  if (!evaluation.is_ok()) {
    return evaluation.status().with_context("bias audit of the validation files");
  }
  nlohmann::json audits = nlohmann::json::array();
  for (const eval::HeadEvaluation& h : evaluation->heads) {
    if (h.bias_audit) audits.push_back(eval::to_json(*h.bias_audit));
  }
  return audits;
}

}  // namespace

Result<std::shared_ptr<const Model>> train_model(const TrainOptions& o) {
  WINNOW_RETURN_IF_ERROR(check_train_options(o));
  WINNOW_ASSIGN_OR_RETURN(const Architecture* arch, resolve_architecture(o.architecture));
  const Clock::time_point t0 = Clock::now();
  const std::time_t created_at = std::time(nullptr);
  WorkerTeam team(resolve_thread_count(o.threads));
  auto emit = [&](TrainEvent e) {
    if (!o.on_event) return;
    e.elapsed_seconds = seconds_since(t0);
    o.on_event(e);
  };
  auto cancelled = [&] { return o.cancel && o.cancel->load(std::memory_order_relaxed); };

  // 1. read and featurize
  WINNOW_ASSIGN_OR_RETURN(PreparedData d, read_and_featurize(o, *arch, &team, cancelled));
  const bool has_valid = !o.validation_files.empty();

  std::vector<double> sample_weights(d.train.size());
  for (size_t i = 0; i < d.train.size(); ++i) {
    sample_weights[i] = o.train_files[d.train.file_of_sample[i]].weight;
  }
  BatchSampler sampler(std::move(sample_weights), d.train.tokens, o.seed);
  const uint64_t tokens_per_pass = static_cast<uint64_t>(std::llround(sampler.tokens_per_pass()));
  WINNOW_ASSIGN_OR_RETURN(
      const StepPlan plan,
      plan_steps(o.training_steps, o.epochs, kDefaultEpochs, std::max<uint64_t>(1, tokens_per_pass),
                 o.tokens_per_step, o.warmup_fraction));
  const double base_lr = kEngineLearningRate * o.learning_rate / kMistralDefaultLearningRate;
  const double l2 = o.weight_decay * kL2PerDecay / static_cast<double>(d.train.size());
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
    e.details = {{"hyperparameters", hyperparameters}, {"training_data", d.data_summary}};
    emit(std::move(e));
  }

  // 2-3. fit, keeping per unit the best checkpoint
  WINNOW_ASSIGN_OR_RETURN(FitResult fitted, fit(o, d, plan, &sampler, l2, base_lr, &team, emit));
  nlohmann::json combination = nullptr;
  if (!d.carried.empty()) {
    WINNOW_RETURN_IF_ERROR(architecture_training(arch->name)
                               .combine(d.spec, d.valid, d.carried, &fitted.learned, &combination));
  }

  // 4. assemble the model, then tune its thresholds on its own validation scores
  TensorDataMap tensors = std::move(d.fixed);
  for (auto& [name, t] : fitted.learned) tensors.insert_or_assign(name, std::move(t));
  tensors.insert_or_assign("idf", TensorData::floats(std::move(d.idf)));
  ModelSpec spec = d.spec;
  WINNOW_ASSIGN_OR_RETURN(std::shared_ptr<const Model> model,
                          Model::create(std::move(d.spec), nullptr, std::move(tensors)));
  nlohmann::json validation = nullptr;
  if (has_valid) {
    WINNOW_ASSIGN_OR_RETURN(validation, score_and_tune(*model, d.valid, &spec, &team));
  }
  const double pass = std::max(1.0, sampler.tokens_per_pass());
  nlohmann::json metadata = {
      {"model_name", o.model_name.empty() ? std::string(arch->name) : o.model_name},
      {"hyperparameters", hyperparameters},
      {"training_data", d.data_summary},
      {"best_step", fitted.best_step},
      {"selection", fitted.selection},
      {"validation", validation},
      {"thresholds_tuned", has_valid},
      {"train_seconds", seconds_since(t0)},
      {"created_at", static_cast<int64_t>(created_at)},
      {"winnow_version", WINNOW_VERSION}};
  if (!combination.is_null()) metadata["combination"] = std::move(combination);
  TrainEvent done;
  done.kind = TrainEvent::Kind::kFinished;
  done.step = plan.total_steps;
  done.total_steps = plan.total_steps;
  done.tokens = fitted.tokens;
  done.epoch = static_cast<double>(fitted.tokens) / pass;
  const ModelSpec tuned = spec;
  WINNOW_ASSIGN_OR_RETURN(model, model->with_spec(std::move(spec), metadata));
  // 5. the bias audit, when the validation samples carry identities: stored beside the
  // validation metrics (docs/model-format.md), absent otherwise. Only multi-label heads are
  // audited; with none, nothing is stored.
  if (!d.audit_identities.empty()) {
    if (cancelled()) return Status::cancelled("training cancelled before the bias audit");
    WINNOW_ASSIGN_OR_RETURN(nlohmann::json audit, audit_validation(*model, o, d.audit_identities));
    if (!audit.empty()) {
      metadata["validation"]["bias_audit"] = std::move(audit);
      WINNOW_ASSIGN_OR_RETURN(model, model->with_spec(tuned, metadata));
    }
  }
  done.details = std::move(metadata);
  emit(std::move(done));
  return model;
}

}  // namespace winnow
