#include "eval/span_evaluation.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/worker_team.h"
#include "data/byte_source.h"

namespace winnow::eval {
namespace {

// Code point index of each byte offset of `text` (size text.size() + 1): a continuation byte
// belongs to the code point of its lead byte.
std::vector<uint32_t> code_point_index(std::string_view text) {
  std::vector<uint32_t> at(text.size() + 1);
  uint32_t cp = 0;  // code points before byte i
  for (size_t i = 0; i < text.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    at[i] = continuation && cp > 0 ? cp - 1 : cp;
    if (!continuation) ++cp;
  }
  at[text.size()] = cp;
  return at;
}

std::vector<uint32_t> char_set(const std::vector<CharSpan>& spans) {
  std::vector<uint32_t> out;
  for (const auto& [b, e] : spans) {
    for (uint32_t c = b; c < e; ++c) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::pair<uint32_t, uint32_t>> resolve_label(const ModelSpec& spec,
                                                    const std::string& name) {
  const size_t slash = name.find('/');
  const std::string head = slash == std::string::npos ? "" : name.substr(0, slash);
  const std::string label = slash == std::string::npos ? name : name.substr(slash + 1);
  for (uint32_t h = 0; h < spec.heads.size(); ++h) {
    for (uint32_t k = 0; k < spec.heads[h].labels.size(); ++k) {
      if ((head.empty() || spec.heads[h].name == head) && spec.heads[h].labels[k] == label) {
        return std::make_pair(h, k);
      }
    }
  }
  return Status::invalid_argument("the model has no label '" + name + "'");
}

}  // namespace

Result<std::vector<SpanGold>> read_span_gold(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, open_byte_source(path));
  LineReader reader(std::move(source));
  std::vector<SpanGold> out;
  std::string_view line;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, reader.next(&line));
    if (!more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = path + ":" + std::to_string(reader.line_number()) + ": ";
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return Status::invalid_argument(where + "expected a JSON object");
    SpanGold g;
    if (auto id = j.find("id"); id != j.end()) {
      g.id = id->is_string() ? id->get<std::string>() : id->dump();
    }
    auto spans = j.find("spans");
    if (spans == j.end() || !spans->is_array()) {
      return Status::invalid_argument(where + "spans: expected a list of [start, end] pairs");
    }
    for (const nlohmann::json& s : *spans) {
      if (!s.is_array() || s.size() != 2 || !s[0].is_number_unsigned() ||
          !s[1].is_number_unsigned() || s[0].get<uint64_t>() > s[1].get<uint64_t>() ||
          s[1].get<uint64_t>() > UINT32_MAX) {
        return Status::invalid_argument(
            where + "spans: expected [start, end] with 0 <= start <= end, got " + s.dump());
      }
      g.spans.emplace_back(s[0].get<uint32_t>(), s[1].get<uint32_t>());
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<CharSpan> predicted_spans(std::string_view text, const LabelExplanation& label,
                                      const SpanRule& rule) {
  std::vector<CharSpan> out;
  if (rule.only_flagged && !label.flagged) return out;
  float top = 0.0f;
  for (const SpanContribution& s : label.spans) {
    if (s.word) top = std::max(top, s.contribution);
  }
  const float cut = std::max(rule.min_contribution, rule.min_share_of_max * top);
  const std::vector<uint32_t> cp = code_point_index(text);
  uint32_t last_end_byte = 0;
  for (const SpanContribution& s : label.spans) {  // in text order
    if (!s.word || s.contribution < cut || s.contribution <= 0.0f) continue;
    const uint32_t b = cp[s.begin], e = cp[s.end];
    const bool only_spaces_between =
        !out.empty() &&
        text.substr(last_end_byte, s.begin - last_end_byte).find_first_not_of(" ") ==
            std::string_view::npos;
    if (only_spaces_between) {
      out.back().second = e;
    } else {
      out.emplace_back(b, e);
    }
    last_end_byte = s.end;
  }
  return out;
}

double span_f1(const std::vector<CharSpan>& predicted, const std::vector<CharSpan>& gold) {
  const std::vector<uint32_t> p = char_set(predicted), g = char_set(gold);
  if (p.empty() && g.empty()) return 1.0;
  if (p.empty() || g.empty()) return 0.0;
  std::vector<uint32_t> both;
  std::set_intersection(p.begin(), p.end(), g.begin(), g.end(), std::back_inserter(both));
  return 2.0 * static_cast<double>(both.size()) / static_cast<double>(p.size() + g.size());
}

Result<SpanEvaluation> evaluate_spans(const Model& model, const std::vector<std::string>& texts,
                                      const std::vector<SpanGold>& gold,
                                      const SpanEvaluationOptions& options) {
  if (texts.size() != gold.size()) {
    return Status::invalid_argument("the span file has " + std::to_string(gold.size()) +
                                    " lines for " + std::to_string(texts.size()) +
                                    " samples: it needs one line per sample, in order");
  }
  WINNOW_ASSIGN_OR_RETURN(auto label, resolve_label(model.spec(), options.label));
  ExplainOptions explain_options;
  explain_options.method = options.method;
  explain_options.labels = {label};
  std::vector<double> f1(texts.size()), precision(texts.size(), -1), recall(texts.size(), -1);
  std::vector<uint8_t> predicted_any(texts.size());
  std::vector<Status> errors(texts.size());
  WorkerTeam team(resolve_thread_count(options.threads));
  team.run_ranges(texts.size(), [&](size_t begin, size_t end, int) {
    PredictScratch scratch;
    for (size_t i = begin; i < end; ++i) {
      std::vector<CharSpan> predicted;
      if (!texts[i].empty()) {
        Result<Explanation> e = explain(model, texts[i], explain_options, &scratch);
        if (!e.is_ok()) {
          errors[i] = e.status();
          continue;
        }
        predicted = predicted_spans(texts[i], e->labels[0], options.rule);
      }
      f1[i] = span_f1(predicted, gold[i].spans);
      predicted_any[i] = !predicted.empty();
      const std::vector<uint32_t> p = char_set(predicted), g = char_set(gold[i].spans);
      if (!p.empty() && !g.empty()) {
        std::vector<uint32_t> both;
        std::set_intersection(p.begin(), p.end(), g.begin(), g.end(), std::back_inserter(both));
        precision[i] = static_cast<double>(both.size()) / static_cast<double>(p.size());
        recall[i] = static_cast<double>(both.size()) / static_cast<double>(g.size());
      }
    }
  });
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!errors[i].is_ok()) return errors[i].with_context("sample " + std::to_string(i + 1));
  }
  SpanEvaluation r;
  r.label = model.spec().heads[label.first].name + "/" +
            model.spec().heads[label.first].labels[label.second];
  r.posts = texts.size();
  uint64_t both = 0;
  double f1_sum = 0.0;
  for (size_t i = 0; i < texts.size(); ++i) {
    f1_sum += f1[i];
    r.posts_with_gold += !gold[i].spans.empty();
    r.posts_with_prediction += predicted_any[i];
    if (precision[i] >= 0) {
      ++both;
      r.precision += precision[i];
      r.recall += recall[i];
    }
  }
  r.span_f1 = texts.empty() ? 0.0 : f1_sum / static_cast<double>(texts.size());
  if (both > 0) {
    r.precision /= static_cast<double>(both);
    r.recall /= static_cast<double>(both);
  }
  return r;
}

}  // namespace winnow::eval
