// `winnow train`: trains a classifier from classifier JSONL files and writes one model file.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "core/progress.h"
#include "model/architecture.h"
#include "model/model_io.h"
#include "train/trainer.h"

namespace winnow::cli {
namespace {

struct TrainArgs {
  std::vector<std::string> train;
  std::vector<std::string> validation;
  std::string out;
  std::string model = "linear";
  std::string encoder_dir;
  float encoder_norm = 0.5f;
  double fine_tune_epochs = hyper::kDefaultFineTuneEpochs;
  ChunkingConfig chunking;
  std::string chunk_aggregate = "max";
  int64_t training_steps = 0;
  double epochs = 0;
  double learning_rate = hyper::kDefaultLearningRate;
  double weight_decay = hyper::kDefaultWeightDecay;
  double warmup_fraction = hyper::kDefaultWarmupFraction;
  uint64_t seed = 0;
  int threads = 0;
  std::vector<std::string> head_weights;
  bool normalized = false;
  bool fixed_weight_decay = false;
  std::string log_path;
  bool quiet = false;
  uint64_t tokens_per_step = kDefaultTokensPerStep;
  double invalid_fraction = 0;
  uint32_t hash_bits = FeatureConfig{}.hash_bits;
  uint32_t word_ngrams = FeatureConfig{}.word_ngram_max;
  std::string char_ngrams = "2-5";
};

// "MIN-MAX" or "0" (no character n-grams).
bool parse_char_ngrams(const std::string& s, FeatureConfig* f) {
  if (s == "0") {
    f->char_ngram_min = 0;
    f->char_ngram_max = 0;
    return true;
  }
  unsigned lo = 0, hi = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%u-%u%c", &lo, &hi, &tail) != 2) return false;
  f->char_ngram_min = lo;
  f->char_ngram_max = hi;
  return true;
}

// Progress for people: one rewritten line on a terminal, one line per evaluation otherwise.
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}
  ~Progress() { finish_line(); }

  void on_event(const TrainEvent& e) {
    if (quiet_) return;
    using Kind = TrainEvent::Kind;
    if (e.kind == Kind::kFineTuning) {
      // On a terminal one rewritten line; otherwise a line per tenth of the steps.
      const int64_t tenth = std::max<int64_t>(1, e.total_steps / 10);
      if (!tty_ && e.step % tenth != 0 && e.step != e.total_steps) return;
      std::fprintf(stderr, "%sfine-tuning the encoder: step %lld/%lld  loss %.4f%s",
                   tty_ ? "\r" : "", static_cast<long long>(e.step),
                   static_cast<long long>(e.total_steps), e.train_loss, tty_ ? "\033[K" : "\n");
      open_line_ = tty_ && e.step != e.total_steps;
      if (tty_ && e.step == e.total_steps) std::fputc('\n', stderr);
      return;
    }
    if (e.kind == Kind::kStarted) {
      const auto& h = e.details["hyperparameters"];
      const auto& d = e.details["training_data"];
      std::fprintf(stderr,
                   "training on %llu samples (%llu tokens): %lld steps of %llu tokens = %.2f "
                   "epochs, %d threads\n",
                   d["samples"].get<unsigned long long>(),
                   d["data_tokens"].get<unsigned long long>(),
                   static_cast<long long>(e.total_steps),
                   h["train_tokens_per_step"].get<unsigned long long>(), h["epochs"].get<double>(),
                   h["threads"].get<int>());
      return;
    }
    if (e.kind == Kind::kStep) {
      if (!tty_) return;
      const auto now = std::chrono::steady_clock::now();
      if (e.step != e.total_steps && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      const double frac =
          static_cast<double>(e.step) / static_cast<double>(std::max<int64_t>(1, e.total_steps));
      std::fprintf(stderr, "\r%s step %lld/%lld  %.1f steps/s  ETA %s  loss %.4f%s\033[K",
                   progress_bar_text(frac, 20).c_str(), static_cast<long long>(e.step),
                   static_cast<long long>(e.total_steps), e.steps_per_second,
                   format_eta(e.eta_seconds).c_str(), e.train_loss, last_eval_.c_str());
      open_line_ = true;
      return;
    }
    if (e.kind == Kind::kEvaluated) {
      char buf[160];
      std::snprintf(buf, sizeof(buf), "  valid loss %.4f auc %.4f%s", e.valid_loss.value_or(0),
                    e.valid_macro_auc.value_or(0), e.best ? " *" : "");
      last_eval_ = buf;
      if (!tty_) {
        std::fprintf(stderr, "step %lld/%lld  epoch %.2f  train loss %.4f%s\n",
                     static_cast<long long>(e.step), static_cast<long long>(e.total_steps), e.epoch,
                     e.train_loss, buf);
      }
      return;
    }
    finish_line();
  }

 private:
  void finish_line() {
    if (open_line_) std::fputc('\n', stderr);
    open_line_ = false;
  }
  bool quiet_;
  bool tty_;
  bool open_line_ = false;
  std::string last_eval_;
  std::chrono::steady_clock::time_point last_{};
};

// A multi-label threshold that flags at least this share of the validation samples, for a
// label that clearly fewer of them carry, is reported: the best F1 was "flag (almost)
// everything", so the flag carries no information.
constexpr double kFlagEverythingRate = 0.95;

// One line per audited head when training stored a bias audit (the validation samples carry
// identities): its size and each label's final bias metric; the table itself is `winnow eval`'s
// and the dashboard's (docs/bias-audit.md).
void print_bias_audit_line(const nlohmann::json& metadata, const std::string& path) {
  const nlohmann::json& validation = metadata["validation"];
  const auto it = validation.find("bias_audit");
  if (it == validation.end() || !it->is_array()) return;
  const nlohmann::json& files = metadata["training_data"]["validation_files"];
  const std::string file =
      files.size() == 1 ? files[0].get<std::string>() : std::string("VALIDATION_FILE");
  for (const nlohmann::json& a : *it) {
    std::string finals;
    for (const nlohmann::json& l : a["labels"]) {
      char buf[64];
      const nlohmann::json& f = l["final_metric"];
      if (f.is_number()) {
        std::snprintf(buf, sizeof buf, "%.4f", f.get<double>());
      } else {
        std::snprintf(buf, sizeof buf, "-");
      }
      finals += (finals.empty() ? "" : ", ") + l["name"].get<std::string>() + " " + buf;
    }
    std::printf(
        "bias audit stored (head %s, %zu identities, %llu validation samples): final bias "
        "metric %s; the table: winnow eval %s %s --identity-columns all\n",
        a["head"].get<std::string>().c_str(), a["identities"].size(),
        a["samples"].get<unsigned long long>(), finals.c_str(), path.c_str(), file.c_str());
  }
}

void print_summary(const Model& model, const std::string& path, uint64_t bytes) {
  const nlohmann::json& m = model.metadata();
  std::printf("model: %s (%.1f MB)\n", path.c_str(), static_cast<double>(bytes) / 1e6);
  std::printf("steps: %lld (best %lld), epochs %.2f, %.1f s\n",
              static_cast<long long>(m["hyperparameters"]["training_steps"].get<int64_t>()),
              static_cast<long long>(m["best_step"].get<int64_t>()),
              m["hyperparameters"]["epochs"].get<double>(), m["train_seconds"].get<double>());
  const nlohmann::json& v = m["validation"];
  if (v.is_null()) {
    std::printf("no validation data: thresholds left at their defaults\n");
    return;
  }
  auto num = [](const nlohmann::json& x) { return x.is_number() ? x.get<double>() : 0.0; };
  std::printf("validation: %llu samples, loss %.4f, macro ROC-AUC %.4f, macro F1 %.4f\n",
              v["samples"].get<unsigned long long>(), num(v["loss"]), num(v["macro_roc_auc"]),
              num(v["macro_f1"]));
  std::vector<std::string> warnings;
  for (const HeadSpec& h : model.heads()) {
    std::printf("  %s (%s)\n", h.name.c_str(), std::string(head_kind_name(h.kind)).c_str());
    for (size_t k = 0; k < h.labels.size(); ++k) {
      const nlohmann::json& l = v["heads"][h.name]["labels"][h.labels[k]];
      const double flag_rate = num(l.value("flag_rate", nlohmann::json(nullptr)));
      std::printf("    %-20s auc %.4f  f1 %.4f  threshold %.4f  positives %llu  flags %.0f%%\n",
                  h.labels[k].c_str(), num(l["roc_auc"]), num(l["f1"]),
                  static_cast<double>(h.thresholds[k]), l["positives"].get<unsigned long long>(),
                  100 * flag_rate);
      const double samples = static_cast<double>(l["samples"].get<unsigned long long>());
      const double prevalence =
          samples > 0 ? static_cast<double>(l["positives"].get<unsigned long long>()) / samples : 0;
      if (h.kind == HeadKind::kMultiLabel && flag_rate >= kFlagEverythingRate &&
          prevalence < kFlagEverythingRate - 0.05) {
        char buf[512];
        std::snprintf(buf, sizeof(buf),
                      "%s.%s: its best-F1 threshold flags %.0f%% of the validation samples "
                      "(%llu of %llu are positive; ROC-AUC %.2f): the data hardly separates this "
                      "label, so expect it on almost any text (more varied negatives help)",
                      h.name.c_str(), h.labels[k].c_str(), 100 * flag_rate,
                      l["positives"].get<unsigned long long>(),
                      l["samples"].get<unsigned long long>(), num(l["roc_auc"]));
        warnings.push_back(buf);
      }
    }
  }
  print_bias_audit_line(m, path);
  for (const std::string& w : warnings)
    std::fprintf(stderr, "winnow train: warning: %s\n", w.c_str());
}

}  // namespace

CommandAction register_train(CLI::App& root) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = root.add_subcommand(
      "train", "Train a classifier on classifier JSONL files and write one model file");
  cmd->add_option("--train", args->train,
                  "Training file (JSONL, may be .gz); repeat for several. FILE:WEIGHT draws the "
                  "file's samples WEIGHT times as often")
      ->required();
  cmd->add_option("--validation", args->validation,
                  "Validation file: picks each label's best checkpoint and L2 strength, and tunes "
                  "its threshold");
  cmd->add_option("--out,-o,--output", args->out, "Model file to write")->required();
  std::string archs;
  for (const Architecture& a : architectures()) {
    archs += "\n  " + std::string(a.name) + ": " + std::string(a.description);
  }
  cmd->add_option("--model", args->model,
                  "Architecture (ministral-3b-latest and ministral-8b-latest are aliases of "
                  "linear):" +
                      archs)
      ->capture_default_str();
  cmd->add_option("--encoder-dir", args->encoder_dir,
                  "encoder architecture: the pretrained encoder's package directory (default: "
                  "$WINNOW_ENCODER_DIR or the one scripts/setup.sh installs)");
  cmd->add_option("--encoder-norm", args->encoder_norm,
                  "encoder architecture: L2 norm of the sentence embedding among the inputs "
                  "(the word and character n-gram blocks have norm 1 each)")
      ->capture_default_str();
  cmd->add_option("--fine-tune-epochs", args->fine_tune_epochs,
                  "encoder architecture: passes of fine-tuning of the encoder's top layers on "
                  "the training data before the heads train (0 = keep the pretrained encoder "
                  "frozen; about 0.1 s per 32 texts per pass on 2 cores)")
      ->check(CLI::Range(hyper::kFineTuneEpochs.min, hyper::kFineTuneEpochs.max))
      ->capture_default_str();
  auto* window =
      cmd->add_option("--window-words", args->chunking.window_words,
                      "Texts longer than this many words are scored as overlapping chunks of it "
                      "(0 = never split; default: the training texts' 99th percentile length, "
                      "within 32..256, overlap a quarter of it)")
          ->check(CLI::Range(0u, 1'000'000u));
  auto* overlap = cmd->add_option("--window-overlap", args->chunking.overlap_words,
                                  "Words shared by consecutive chunks (below --window-words; "
                                  "default a quarter of it)")
                      ->needs(window);
  cmd->add_option("--chunk-aggregate", args->chunk_aggregate,
                  "A long text's label score: max or mean over its chunks")
      ->check(CLI::IsMember({"max", "mean"}))
      ->capture_default_str();
  auto* steps = cmd->add_option("--training-steps", args->training_steps,
                                "Optimizer steps (each over about --tokens-per-step tokens)");
  auto* epochs = cmd->add_option("--epochs", args->epochs,
                                 "Passes over the training data instead of --training-steps "
                                 "(default 10 when neither is given)");
  steps->excludes(epochs);
  cmd->add_option("--learning-rate", args->learning_rate,
                  "Relative to Mistral's default 1e-4 (= the engine's tuned rate)")
      ->capture_default_str();
  cmd->add_option("--weight-decay", args->weight_decay,
                  "L2 regularization (0.1 is tuned); with validation data, the centre of a "
                  "per-label search")
      ->capture_default_str();
  cmd->add_option("--warmup-fraction", args->warmup_fraction,
                  "Share of steps with a rising learning rate")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed for sampling order")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Training threads (0 = all)")->capture_default_str();
  cmd->add_option("--head-weight", args->head_weights,
                  "HEAD=WEIGHT: scale that head's loss (repeatable)");
  cmd->add_flag("--normalized-scores", args->normalized,
                "Multi-label heads give Mistral-style scores that sum to 1 (softmax trained "
                "towards the gold labels) instead of independent probabilities");
  cmd->add_flag("--fixed-weight-decay", args->fixed_weight_decay,
                "Use --weight-decay as given instead of searching 1/4x..16x of it per label on "
                "the validation data");
  cmd->add_option("--log", args->log_path,
                  "Write a JSON-lines training log to this file ('-' = stdout)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress on stderr");
  cmd->add_option("--tokens-per-step", args->tokens_per_step, "Tokens (words) per step")
      ->capture_default_str();
  cmd->add_option("--invalid-sample-skip-fraction", args->invalid_fraction,
                  "Skip invalid lines if they are at most this share of all lines (0..0.5)")
      ->capture_default_str();
  cmd->add_option("--hash-bits", args->hash_bits, "Feature hash buckets = 2^bits (8..24)")
      ->capture_default_str();
  cmd->add_option("--word-ngrams", args->word_ngrams, "Longest word n-gram (0..4; 0 = none)")
      ->capture_default_str();
  cmd->add_option("--char-ngrams", args->char_ngrams, "Character n-gram lengths MIN-MAX (0 = none)")
      ->capture_default_str();

  return [args, steps, epochs, window, overlap]() -> int {
    TrainOptions o;
    for (const std::string& t : args->train) {
      Result<TrainFileSpec> f = parse_train_file_arg(t);
      if (!f.is_ok()) return usage_error("train", f.status().message());
      o.train_files.push_back(*f);
    }
    o.validation_files = args->validation;
    if (Result<const Architecture*> a = resolve_architecture(args->model); !a.is_ok()) {
      return usage_error("train", "--model: " + a.status().message());
    }
    o.architecture = args->model;
    o.model_name = args->model;
    o.encoder_dir = args->encoder_dir;
    o.encoder_norm = args->encoder_norm;
    o.fine_tune_epochs = args->fine_tune_epochs;
    o.chunking = args->chunking;
    o.auto_window = window->count() == 0;
    if (!o.auto_window && overlap->count() == 0) {
      o.chunking.overlap_words = o.chunking.window_words / 4;
    }
    o.chunking.aggregate = parse_chunk_aggregate(args->chunk_aggregate).value();
    if (Status st = o.chunking.validate(); !st.is_ok()) return usage_error("train", st.message());
    if (steps->count() > 0) o.training_steps = args->training_steps;
    if (epochs->count() > 0) o.epochs = args->epochs;
    o.learning_rate = args->learning_rate;
    o.weight_decay = args->weight_decay;
    o.warmup_fraction = args->warmup_fraction;
    o.seed = args->seed;
    o.threads = args->threads;
    o.tokens_per_step = args->tokens_per_step;
    o.max_invalid_fraction = args->invalid_fraction;
    o.heads.normalized_multi_label = args->normalized;
    o.l2_search = !args->fixed_weight_decay;
    for (const std::string& hw : args->head_weights) {
      const size_t eq = hw.rfind('=');
      char* end = nullptr;
      const double w = eq == std::string::npos ? -1 : std::strtod(hw.c_str() + eq + 1, &end);
      if (eq == std::string::npos || eq == 0 || end == hw.c_str() + eq + 1 || *end != '\0' ||
          !(w >= 0)) {
        return usage_error("train",
                           "--head-weight expects HEAD=WEIGHT with WEIGHT >= 0, got '" + hw + "'");
      }
      o.heads.loss_weights[hw.substr(0, eq)] = static_cast<float>(w);
    }
    o.features.hash_bits = args->hash_bits;
    o.features.word_ngram_max = args->word_ngrams;
    if (!parse_char_ngrams(args->char_ngrams, &o.features)) {
      return usage_error("train",
                         "--char-ngrams expects MIN-MAX or 0, got '" + args->char_ngrams + "'");
    }
    if (Status s = o.features.validate(); !s.is_ok()) return usage_error("train", s.message());
    if (Status s = check_train_options(o); !s.is_ok()) return usage_error("train", s.message());

    std::unique_ptr<std::ofstream> log_file;
    std::FILE* log_stdout = nullptr;
    if (args->log_path == "-") {
      log_stdout = stdout;
    } else if (!args->log_path.empty()) {
      log_file = std::make_unique<std::ofstream>(args->log_path, std::ios::trunc);
      if (!*log_file) {
        return report_error("train", Status::io_error(args->log_path + ": cannot write"));
      }
    }
    Progress progress(args->quiet);
    o.on_event = [&](const TrainEvent& e) {
      progress.on_event(e);
      // The log keeps evaluations, not steps (of training or of fine-tuning).
      if (e.kind == TrainEvent::Kind::kStep || e.kind == TrainEvent::Kind::kFineTuning) return;
      const std::string line = train_event_json(e);
      if (log_file) {
        *log_file << line << '\n';
        log_file->flush();
      } else if (log_stdout) {
        std::fprintf(log_stdout, "%s\n", line.c_str());
        std::fflush(log_stdout);
      }
    };

    Result<std::shared_ptr<const Model>> model = train_model(o);
    if (!model.is_ok()) return report_error("train", model.status());
    if (Status s = save_model(**model, args->out); !s.is_ok()) return report_error("train", s);
    if (log_stdout == nullptr) {
      const std::string bytes_path = args->out;
      std::error_code ec;
      const uint64_t bytes = std::filesystem::file_size(bytes_path, ec);
      print_summary(**model, args->out, ec ? 0 : bytes);
    }
    return kExitOk;
  };
}

}  // namespace winnow::cli
