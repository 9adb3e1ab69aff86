// `winnow eval`: measures a model on a labeled classifier JSONL file, per head (src/eval).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table.h"
#include "data/identity_metadata.h"
#include "eval/model_evaluation.h"
#include "eval/span_evaluation.h"
#include "model/model_io.h"
#include "train/training_data.h"

namespace winnow::cli {
namespace {

struct EvalArgs {
  std::string model;
  std::string file;
  bool json = false;
  int threads = 0;
  std::string spans;  // gold rationales, one line per sample
  eval::SpanEvaluationOptions span_options;
  std::string explain_method = "auto";
  std::string identity_columns;  // --identity-columns: a list, "all" or "jigsaw"
  uint64_t min_subgroup_size = eval::BiasAuditOptions().min_subgroup_size;
};

// --spans: the explanation of the label against the raters' toxic spans.
Result<eval::SpanEvaluation> evaluate_spans_of_file(const Model& model, const EvalArgs& args) {
  WINNOW_ASSIGN_OR_RETURN(std::vector<eval::SpanGold> gold, eval::read_span_gold(args.spans));
  WINNOW_ASSIGN_OR_RETURN(RawSplit split, read_split({args.file}, 0.0));
  std::vector<std::string> texts;
  texts.reserve(split.samples.size());
  for (ClassifierSample& s : split.samples) texts.push_back(std::move(s.text));
  eval::SpanEvaluationOptions options = args.span_options;
  options.threads = args.threads;
  options.method = parse_explain_method(args.explain_method).value();
  Result<eval::SpanEvaluation> r = eval::evaluate_spans(model, texts, gold, options);
  if (!r.is_ok()) return r.status().with_context(args.file + " and " + args.spans);
  return r;
}

nlohmann::json span_json(const eval::SpanEvaluation& r, const eval::SpanRule& rule) {
  return {{"label", r.label},
          {"posts", r.posts},
          {"posts_with_gold", r.posts_with_gold},
          {"posts_with_prediction", r.posts_with_prediction},
          {"span_f1", r.span_f1},
          {"precision", r.precision},
          {"recall", r.recall},
          {"rule",
           {{"only_flagged", rule.only_flagged},
            {"min_contribution", rule.min_contribution},
            {"min_share_of_max", rule.min_share_of_max}}}};
}

std::string fixed(double v, int decimals = 4) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

std::string fixed_or_dash(const std::optional<double>& v) { return v ? fixed(*v) : "-"; }

std::string names_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void print_multi_label(const eval::HeadEvaluation& h) {
  const eval::MultiLabelReport& r = *h.multi_label;
  std::printf("head %s: %s, %llu samples (a label is flagged when score >= its threshold)\n",
              h.name.c_str(), std::string(head_kind_name(h.kind)).c_str(),
              static_cast<unsigned long long>(r.samples));
  TextTable t(
      {"label", "positives", "ROC-AUC", "PR-AUC", "threshold", "precision", "recall", "F1"});
  for (const eval::LabelReport& l : r.labels) {
    t.add_row({l.name, std::to_string(l.positives), fixed_or_dash(l.roc_auc),
               fixed_or_dash(l.average_precision), fixed(static_cast<double>(l.threshold)),
               fixed(l.at_threshold.precision), fixed(l.at_threshold.recall),
               fixed(l.at_threshold.f1)});
  }
  t.add_row({"macro", "", fixed_or_dash(r.macro_roc_auc), fixed_or_dash(r.macro_average_precision),
             "", fixed(r.macro.precision), fixed(r.macro.recall), fixed(r.macro.f1)});
  t.add_row({"micro", std::to_string(r.micro_counts.positives()), "", "", "",
             fixed(r.micro.precision), fixed(r.micro.recall), fixed(r.micro.f1)});
  std::fputs(t.render().c_str(), stdout);
  if (!r.labels_without_roc_auc.empty()) {
    std::printf("macro ROC-AUC leaves out (one class only): %s\n",
                names_list(r.labels_without_roc_auc).c_str());
  }
  if (!r.labels_without_average_precision.empty()) {
    std::printf("macro PR-AUC leaves out (no positives): %s\n",
                names_list(r.labels_without_average_precision).c_str());
  }
}

void print_single_label(const eval::HeadEvaluation& h) {
  const eval::SingleLabelReport& r = *h.single_label;
  std::printf(
      "head %s: single_label, %llu samples, accuracy %s, macro F1 %s (over %zu classes; "
      "the prediction is the top-scoring label)\n",
      h.name.c_str(), static_cast<unsigned long long>(r.samples), fixed(r.accuracy).c_str(),
      fixed(r.macro.f1).c_str(), r.macro_classes);
  TextTable t({"class", "support", "predicted", "precision", "recall", "F1"});
  for (const eval::ClassReport& c : r.classes) {
    t.add_row({c.name, std::to_string(c.support), std::to_string(c.predicted),
               fixed(c.scores.precision), fixed(c.scores.recall), fixed(c.scores.f1)});
  }
  std::fputs(t.render().c_str(), stdout);
  std::printf("confusion matrix (rows: true class, columns: predicted)\n");
  std::vector<std::string> header{"true \\ predicted"};
  for (const eval::ClassReport& c : r.classes) header.push_back(c.name);
  TextTable m(std::move(header));
  const size_t k = r.classes.size();
  for (size_t i = 0; i < k; ++i) {
    std::vector<std::string> row{r.classes[i].name};
    for (size_t j = 0; j < k; ++j) row.push_back(std::to_string(r.confusion[i * k + j]));
    m.add_row(std::move(row));
  }
  std::fputs(m.render().c_str(), stdout);
}

std::string auc_cell(const eval::AucValue& v) { return v.value ? fixed(*v.value) : "-"; }

// Short form of SubgroupReport::not_averaged_reason for the table ("yes" when averaged).
std::string not_averaged_cell(const eval::SubgroupReport& g, const eval::BiasAuditOptions& o) {
  if (g.averaged) return "yes";
  if (g.size < o.min_subgroup_size)
    return "no (size < " + std::to_string(o.min_subgroup_size) + ")";
  if (!g.subgroup_auc.value) return "no (subgroup AUC undefined)";
  if (!g.bpsn_auc.value) return "no (BPSN undefined)";
  return "no (BNSP undefined)";
}

// The audit of one head: per label a table of subgroups, then the power means and the final
// metric. Subgroups without samples are listed on one line instead of as rows of dashes.
void print_bias_audit(const eval::BiasAudit& a) {
  const eval::BiasAuditOptions& o = a.options;
  uint64_t unannotated = 0;
  if (!a.labels.empty()) {
    for (const eval::SubgroupReport& g : a.labels[0].subgroups) {
      unannotated = std::max(unannotated, g.unannotated);
    }
  }
  std::printf(
      "\nbias audit of head %s: %llu samples, %zu identities (a sample is in a subgroup when its "
      "identity value >= %s; %llu samples without identity annotations count as outside); "
      "subgroups under %llu samples are reported, not averaged\n",
      a.head.c_str(), static_cast<unsigned long long>(a.samples), a.identities.size(),
      fixed(o.identity_threshold, 2).c_str(), static_cast<unsigned long long>(unannotated),
      static_cast<unsigned long long>(o.min_subgroup_size));
  for (const eval::LabelBiasReport& l : a.labels) {
    std::printf("\nlabel %s: %llu positives, overall AUC %s\n", l.name.c_str(),
                static_cast<unsigned long long>(l.positives),
                l.overall_auc.value ? fixed(*l.overall_auc.value).c_str()
                                    : ("- (" + l.overall_auc.undefined_reason + ")").c_str());
    TextTable t(
        {"subgroup", "size", "positives", "subgroup AUC", "BPSN AUC", "BNSP AUC", "averaged"});
    std::string empty;
    for (const eval::SubgroupReport& g : l.subgroups) {
      if (g.size == 0) {
        empty += (empty.empty() ? "" : ", ") + g.name;
        continue;
      }
      t.add_row({g.name, std::to_string(g.size), std::to_string(g.positives),
                 auc_cell(g.subgroup_auc), auc_cell(g.bpsn_auc), auc_cell(g.bnsp_auc),
                 not_averaged_cell(g, o)});
    }
    auto mean_cell = [](const std::optional<double>& v) { return v ? fixed(*v) : "-"; };
    char power[64];
    std::snprintf(power, sizeof power, "power mean (p = %g)", o.power);
    t.add_row({power, "", "", mean_cell(l.mean_subgroup_auc), mean_cell(l.mean_bpsn_auc),
               mean_cell(l.mean_bnsp_auc), std::to_string(l.subgroups_averaged) + " subgroups"});
    std::fputs(t.render().c_str(), stdout);
    if (!empty.empty()) std::printf("no samples in: %s\n", empty.c_str());
    if (l.final_metric) {
      std::printf("final bias metric %s (= %g * overall AUC + %g * each power mean)\n",
                  fixed(*l.final_metric).c_str(), o.weight_overall, o.weight_subgroup);
    } else {
      std::printf("final bias metric: - (%s)\n", l.final_metric_note.c_str());
    }
  }
}

}  // namespace

CommandAction register_eval(CLI::App& root) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = root.add_subcommand(
      "eval",
      "Measure a model on a labeled JSONL file: per head, ROC-AUC / PR-AUC / P / R / F1 at the "
      "stored thresholds (multi-label) or accuracy / macro-F1 / confusion matrix (single-label)");
  cmd->add_option("model", args->model, "Model file written by 'winnow train'")->required();
  cmd->add_option("file", args->file,
                  "Classifier JSONL with labels (may be .gz); samples that leave a head out do "
                  "not count for it")
      ->required();
  cmd->add_flag("--json", args->json,
                "Print {\"model\", \"file\", \"samples\", \"heads\": [report per head]} "
                "(docs/evaluation.md)");
  cmd->add_option("--threads", args->threads, "Scoring threads (0 = all)")->capture_default_str();
  cmd->add_option("--spans", args->spans,
                  "Gold toxic spans, one JSON line per sample of FILE in order ({\"id\", "
                  "\"spans\": [[start, end], ...]}, code points): adds the character-level F1 of "
                  "the spans the explanations point at (\"span_f1\")");
  cmd->add_option("--spans-label", args->span_options.label,
                  "Label whose explanation gives the predicted spans (LABEL or HEAD/LABEL)")
      ->capture_default_str();
  cmd->add_option("--span-min-contribution", args->span_options.rule.min_contribution,
                  "A word is a predicted span when its contribution is at least this (logit units)")
      ->capture_default_str();
  cmd->add_option("--span-min-share", args->span_options.rule.min_share_of_max,
                  "... and at least this share of the post's top word contribution")
      ->capture_default_str();
  cmd->add_flag("--span-only-flagged", args->span_options.rule.only_flagged,
                "Predict spans only in posts the label flags");
  cmd->add_option("--identity-columns", args->identity_columns,
                  "Identity-bias audit (docs/bias-audit.md) over the identities in each sample's "
                  "metadata ('winnow prepare --identity-columns' writes them): a comma-separated "
                  "list, 'all' (every identity in the file) or 'jigsaw' (the 9 of the Jigsaw "
                  "bias metric). Per label and subgroup: size, positives, Subgroup / BPSN / BNSP "
                  "AUC, and the Jigsaw final metric");
  cmd->add_option("--min-subgroup-size", args->min_subgroup_size,
                  "Subgroups with fewer samples are reported but not averaged into the final "
                  "metric")
      ->capture_default_str();
  cmd->add_option("--explain-method", args->explain_method, "auto, exact or occlusion")
      ->check(CLI::IsMember({"auto", "exact", "occlusion"}))
      ->capture_default_str();

  return [args]() -> int {
    if (args->threads < 0) return usage_error("eval", "--threads must be >= 0");
    Result<std::shared_ptr<const Model>> model = load_model(args->model);
    if (!model.is_ok()) return report_error("eval", model.status());
    eval::EvaluateOptions options;
    options.threads = args->threads;
    if (!args->identity_columns.empty()) {
      if (args->identity_columns == "all") {
        options.all_identities = true;
      } else {
        auto names = parse_identity_columns_flag(args->identity_columns);
        if (!names.is_ok()) return usage_error("eval", names.status().message());
        options.identity_columns = std::move(names).value();
      }
    }
    options.bias.min_subgroup_size = args->min_subgroup_size;
    Result<eval::ModelEvaluation> evaluation = eval::evaluate_model(**model, {args->file}, options);
    if (!evaluation.is_ok()) return report_error("eval", evaluation.status());
    std::optional<eval::SpanEvaluation> spans;
    if (!args->spans.empty()) {
      Result<eval::SpanEvaluation> r = evaluate_spans_of_file(**model, *args);
      if (!r.is_ok()) return report_error("eval", r.status());
      spans = *r;
    }

    if (args->json) {
      nlohmann::json j = {{"model", args->model}, {"file", args->file}};
      j.update(eval::to_json(*evaluation));
      if (spans) {
        j["spans"] = span_json(*spans, args->span_options.rule);
        j["span_f1"] = spans->span_f1;
      }
      std::printf("%s\n", j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("model %s on %s: %llu samples\n", args->model.c_str(), args->file.c_str(),
                  static_cast<unsigned long long>(evaluation->samples));
      for (const eval::HeadEvaluation& h : evaluation->heads) {
        std::printf("\n");
        if (h.multi_label) {
          print_multi_label(h);
        } else if (h.single_label) {
          print_single_label(h);
        } else {
          std::printf("head %s: no sample of the file carries it; not evaluated\n", h.name.c_str());
        }
      }
      for (const eval::HeadEvaluation& h : evaluation->heads) {
        if (h.bias_audit) print_bias_audit(*h.bias_audit);
      }
      if (!evaluation->identity_columns.empty()) {
        for (const eval::HeadEvaluation& h : evaluation->heads) {
          if (h.single_label) {
            std::printf(
                "\nbias audit: head %s is single-label; the audit covers multi-label heads\n",
                h.name.c_str());
          }
        }
      }
      if (spans) {
        std::printf(
            "\nspans (%s explanations vs %s): span F1 %s over %llu posts (%llu with gold spans, "
            "%llu given spans); precision %s, recall %s where both have spans\n",
            spans->label.c_str(), args->spans.c_str(), fixed(spans->span_f1).c_str(),
            static_cast<unsigned long long>(spans->posts),
            static_cast<unsigned long long>(spans->posts_with_gold),
            static_cast<unsigned long long>(spans->posts_with_prediction),
            fixed(spans->precision).c_str(), fixed(spans->recall).c_str());
      }
    }
    if (std::fflush(stdout) != 0) {
      return report_error("eval", Status::io_error("cannot write to stdout"));
    }
    return kExitOk;
  };
}

}  // namespace winnow::cli
