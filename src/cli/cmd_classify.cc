// `winnow classify`: scores texts with a model file, one JSON object per input on stdout.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/worker_team.h"
#include "data/byte_source.h"
#include "explain/explanation_json.h"
#include "model/model.h"
#include "train/training_data.h"
#include "winnow/classifier.h"

namespace winnow::cli {
namespace {

struct ClassifyArgs {
  std::string model;
  std::vector<std::string> texts;
  bool flags = false;
  int threads = 0;
  std::string input_format = "auto";
  size_t batch_lines = 8192;
  std::string aggregate;  // empty: the model's
  bool explain = false;
  std::string explain_method = "auto";
  std::vector<std::string> explain_labels;
  size_t top_k = 10;
};

// Resolves "LABEL" or "HEAD/LABEL" against the model's heads.
Result<std::pair<uint32_t, uint32_t>> find_label(const ModelSpec& spec, const std::string& name) {
  const size_t slash = name.find('/');
  const std::string head = slash == std::string::npos ? "" : name.substr(0, slash);
  const std::string label = slash == std::string::npos ? name : name.substr(slash + 1);
  std::string known;
  for (uint32_t h = 0; h < spec.heads.size(); ++h) {
    for (uint32_t k = 0; k < spec.heads[h].labels.size(); ++k) {
      if ((head.empty() || spec.heads[h].name == head) && spec.heads[h].labels[k] == label) {
        return std::make_pair(h, k);
      }
      known += (known.empty() ? "" : ", ") + spec.heads[h].name + "/" + spec.heads[h].labels[k];
    }
  }
  return Status::invalid_argument("the model has no label '" + name + "' (known: " + known + ")");
}

// The text of one stdin line. auto: a line holding a JSON object with "text" or "messages" is
// JSONL, anything else is plain text; jsonl: every line must be such an object.
Result<std::string> line_text(std::string_view line, bool jsonl_only) {
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line[first] != '{') {
    if (jsonl_only) return Status::invalid_argument("expected a JSON object");
    return std::string(line);
  }
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto text = j.find("text");
    if (text != j.end() && text->is_string()) return text->get<std::string>();
    auto messages = j.find("messages");
    if (messages != j.end() && messages->is_array()) {
      ClassifierSample sample;
      for (const auto& m : *messages) {
        if (!m.is_object()) return Status::invalid_argument("messages: expected objects");
        ChatMessage cm;
        if (auto r = m.find("role"); r != m.end() && r->is_string())
          cm.role = r->get<std::string>();
        if (auto c = m.find("content"); c != m.end() && c->is_string()) {
          cm.content = c->get<std::string>();
        } else if (c != m.end() && c->is_array()) {
          for (const auto& chunk : *c) {
            if (chunk.is_object() && chunk.contains("text") && chunk["text"].is_string()) {
              cm.content += chunk["text"].get<std::string>();
            }
          }
        }
        sample.messages.push_back(std::move(cm));
      }
      if (sample.messages.empty()) return Status::invalid_argument("messages: empty list");
      return sample_text(sample);
    }
  }
  if (jsonl_only)
    return Status::invalid_argument("expected a JSON object with \"text\" or \"messages\"");
  return std::string(line);
}

}  // namespace

CommandAction register_classify(CLI::App& root) {
  auto args = std::make_shared<ClassifyArgs>();
  CLI::App* cmd = root.add_subcommand(
      "classify",
      "Score texts with a model: one JSON object per input, {\"<head>\": {\"scores\": {...}}}");
  cmd->add_option("model", args->model, "Model file written by 'winnow train'")->required();
  cmd->add_option("text", args->texts,
                  "Texts to classify; without any, reads stdin: one text per line, or JSONL "
                  "lines with \"text\" or \"messages\"");
  cmd->add_flag("--flags", args->flags,
                "Add \"flags\": labels over their tuned threshold (multi-label heads) or the top "
                "label (single-label heads)");
  cmd->add_option("--threads", args->threads, "Threads (0 = all)")->capture_default_str();
  cmd->add_option("--input-format", args->input_format, "stdin lines: auto, text or jsonl")
      ->check(CLI::IsMember({"auto", "text", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("--batch-lines", args->batch_lines, "stdin lines classified per batch")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  cmd->add_option("--aggregate", args->aggregate,
                  "How texts longer than the model's window score: max or mean over their "
                  "chunks (default: the model's)")
      ->check(CLI::IsMember({"max", "mean"}));
  cmd->add_flag("--explain", args->explain,
                "Instead of scores, explain them: per flagged (or --explain-label) label, the "
                "spans that raised and lowered it, with byte offsets (docs/explanations.md)");
  cmd->add_option("--explain-method", args->explain_method,
                  "auto (exact for n-grams, occlusion for an encoder), exact or occlusion")
      ->check(CLI::IsMember({"auto", "exact", "occlusion"}))
      ->capture_default_str();
  cmd->add_option("--explain-label", args->explain_labels,
                  "Label to explain, LABEL or HEAD/LABEL (repeatable; default: the flagged ones)");
  cmd->add_option("--top-k", args->top_k, "Spans listed per direction (raised, lowered)")
      ->check(CLI::Range(size_t{1}, size_t{1000}))
      ->capture_default_str();

  return [args]() -> int {
    Result<Classifier> loaded = Classifier::load(args->model);
    if (!loaded.is_ok()) return report_error("classify", loaded.status());
    const Classifier& clf = *loaded;
    const Model& model = *clf.model();
    const LongTextAggregate aggregate = args->aggregate.empty()    ? LongTextAggregate::kModel
                                        : args->aggregate == "max" ? LongTextAggregate::kMax
                                                                   : LongTextAggregate::kMean;
    ExplainOptions explain_options;
    if (!args->aggregate.empty())
      explain_options.aggregate = parse_chunk_aggregate(args->aggregate).value();
    explain_options.method = parse_explain_method(args->explain_method).value();
    for (const std::string& name : args->explain_labels) {
      Result<std::pair<uint32_t, uint32_t>> label = find_label(model.spec(), name);
      if (!label.is_ok()) return usage_error("classify", label.status().message());
      explain_options.labels.push_back(*label);
    }
    // One output line: the scores (classify_batch's) or the explanation of a text.
    auto explained = [&](std::string_view text, PredictScratch* scratch) -> Result<std::string> {
      WINNOW_ASSIGN_OR_RETURN(Explanation e, explain(model, text, explain_options, scratch));
      return explanation_json(model.spec(), text, e, args->top_k)
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    const int threads = resolve_thread_count(args->threads);
    WorkerTeam team(threads);
    const bool text_only = args->input_format == "text";
    const bool jsonl_only = args->input_format == "jsonl";

    // Text extraction, scoring and formatting run in parallel; output keeps input order.
    std::vector<std::string> lines, out;
    std::vector<Status> errors;
    auto process = [&](uint64_t first_line) -> int {
      out.assign(lines.size(), std::string());
      errors.assign(lines.size(), Status::ok());
      team.run_ranges(lines.size(), [&](size_t begin, size_t end, int) {
        // Each thread scores its range through classify_batch (batches let an encoder model
        // run its matrix products over many texts at once).
        std::vector<std::string> texts;
        std::vector<size_t> index;
        for (size_t i = begin; i < end; ++i) {
          if (text_only) {
            texts.push_back(lines[i]);
            index.push_back(i);
            continue;
          }
          Result<std::string> text = line_text(lines[i], jsonl_only);
          if (!text.is_ok()) {
            errors[i] = text.status();
            continue;
          }
          texts.push_back(std::move(*text));
          index.push_back(i);
        }
        if (args->explain) {
          PredictScratch scratch;
          for (size_t j = 0; j < index.size(); ++j) {
            Result<std::string> e = explained(texts[j], &scratch);
            if (e.is_ok()) {
              out[index[j]] = std::move(*e);
            } else {
              errors[index[j]] = e.status();
            }
          }
          return;
        }
        std::vector<std::string_view> views(texts.begin(), texts.end());
        std::vector<Classification> results = clf.classify_batch(views, 1, aggregate);
        for (size_t j = 0; j < index.size(); ++j) {
          out[index[j]] = clf.to_json(results[j], args->flags);
        }
      });
      for (size_t i = 0; i < lines.size(); ++i) {
        if (!errors[i].is_ok()) {
          std::fflush(stdout);
          return report_error("classify",
                              errors[i].with_context("stdin:" + std::to_string(first_line + i)));
        }
        std::fwrite(out[i].data(), 1, out[i].size(), stdout);
        std::fputc('\n', stdout);
      }
      lines.clear();
      return kExitOk;
    };

    if (!args->texts.empty()) {
      lines = args->texts;
      // Arguments are always plain text.
      out.assign(lines.size(), std::string());
      errors.assign(lines.size(), Status::ok());
      team.run_ranges(lines.size(), [&](size_t begin, size_t end, int) {
        PredictScratch scratch;
        for (size_t i = begin; i < end; ++i) {
          if (!args->explain) {
            out[i] = clf.to_json(clf.classify(lines[i], aggregate), args->flags);
            continue;
          }
          Result<std::string> e = explained(lines[i], &scratch);
          if (e.is_ok()) {
            out[i] = std::move(*e);
          } else {
            errors[i] = e.status();
          }
        }
      });
      for (size_t i = 0; i < out.size(); ++i) {
        if (!errors[i].is_ok()) {
          return report_error("classify", errors[i].with_context("text " + std::to_string(i + 1)));
        }
        std::printf("%s\n", out[i].c_str());
      }
      return kExitOk;
    }

    Result<std::unique_ptr<ByteSource>> source = open_byte_source("-");
    if (!source.is_ok()) return report_error("classify", source.status());
    LineReader reader(std::move(source).value());
    std::string_view line;
    uint64_t first_line = 1;
    for (;;) {
      Result<bool> more = reader.next(&line);
      if (!more.is_ok()) return report_error("classify", more.status());
      if (!*more) break;
      lines.emplace_back(line);
      if (lines.size() == args->batch_lines) {
        if (int rc = process(first_line); rc != kExitOk) return rc;
        first_line = reader.line_number() + 1;
      }
    }
    if (!lines.empty()) {
      if (int rc = process(first_line); rc != kExitOk) return rc;
    }
    if (std::fflush(stdout) != 0) {
      return report_error("classify", Status::io_error("cannot write to stdout"));
    }
    return kExitOk;
  };
}

}  // namespace winnow::cli
