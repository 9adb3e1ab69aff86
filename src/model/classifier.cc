// Implementation of the public API in include/winnow/classifier.h.
#include "winnow/classifier.h"

#include <algorithm>
#include <charconv>
#include <thread>

#include "core/worker_team.h"
#include "model/model.h"
#include "model/model_io.h"

namespace winnow {
namespace {

std::string json_quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_float(std::string* out, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

std::optional<ChunkAggregate> chunk_aggregate(LongTextAggregate a) {
  switch (a) {
    case LongTextAggregate::kMax:
      return ChunkAggregate::kMax;
    case LongTextAggregate::kMean:
      return ChunkAggregate::kMean;
    case LongTextAggregate::kModel:
      break;
  }
  return std::nullopt;
}

}  // namespace

int ClassifierHead::label_index(std::string_view label) const {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

Result<Classifier> Classifier::load(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, load_model(path));
  return Classifier(std::move(model));
}

Classifier::Classifier(std::shared_ptr<const Model> model) : model_(std::move(model)) {
  auto heads = std::make_shared<std::vector<ClassifierHead>>();
  auto escaped = std::make_shared<std::vector<std::vector<std::string>>>();
  for (const HeadSpec& h : model_->heads()) {
    ClassifierHead head;
    head.name = h.name;
    head.multi_label = h.kind != HeadKind::kSingleLabel;
    head.normalized = h.kind == HeadKind::kMultiLabelNormalized;
    head.labels = h.labels;
    head.thresholds = h.thresholds;
    heads->push_back(std::move(head));
    std::vector<std::string> names{json_quote(h.name)};
    for (const std::string& l : h.labels) names.push_back(json_quote(l));
    escaped->push_back(std::move(names));
  }
  heads_ = std::move(heads);
  escaped_ = std::move(escaped);
}

Classification Classifier::classify(std::string_view text, LongTextAggregate aggregate) const {
  // One scratch per thread keeps repeated calls allocation-free.
  thread_local PredictScratch scratch;
  thread_local std::vector<float> flat;
  flat.resize(model_->num_outputs());
  model_->predict(text, &scratch, flat, chunk_aggregate(aggregate));
  Classification c;
  c.scores.reserve(heads_->size());
  size_t o = 0;
  for (const ClassifierHead& h : *heads_) {
    c.scores.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(o),
                          flat.begin() + static_cast<std::ptrdiff_t>(o + h.labels.size()));
    o += h.labels.size();
  }
  return c;
}

std::vector<Classification> Classifier::classify_batch(std::span<const std::string_view> texts,
                                                       int threads,
                                                       LongTextAggregate aggregate) const {
  std::vector<Classification> out(texts.size());
  const int n = std::max(
      1, std::min<int>(resolve_thread_count(threads), static_cast<int>(texts.size() / 16 + 1)));
  // Texts go to the model kBatch at a time: an encoder runs its matrix products over a whole
  // batch (about twice the texts per second of one at a time for short texts).
  constexpr size_t kBatch = 32;
  auto run = [&](size_t begin, size_t end) {
    thread_local PredictScratch scratch;
    thread_local std::vector<float> flat;
    const size_t outputs = model_->num_outputs();
    for (size_t b = begin; b < end; b += kBatch) {
      const size_t m = std::min(kBatch, end - b);
      flat.resize(m * outputs);
      model_->predict_batch(texts.subspan(b, m), &scratch, flat, chunk_aggregate(aggregate));
      for (size_t i = 0; i < m; ++i) {
        Classification& c = out[b + i];
        c.scores.reserve(heads_->size());
        size_t o = i * outputs;
        for (const ClassifierHead& h : *heads_) {
          c.scores.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(o),
                                flat.begin() + static_cast<std::ptrdiff_t>(o + h.labels.size()));
          o += h.labels.size();
        }
      }
    }
  };
  if (n == 1) {
    run(0, texts.size());
    return out;
  }
  WorkerTeam team(n);
  team.run_ranges(texts.size(), [&](size_t begin, size_t end, int) { run(begin, end); });
  return out;
}

std::vector<std::string_view> Classifier::flags(const Classification& c, size_t head) const {
  const ClassifierHead& h = (*heads_)[head];
  const std::vector<float>& s = c.scores[head];
  std::vector<std::string_view> out;
  if (!h.multi_label) {
    const size_t top = static_cast<size_t>(std::max_element(s.begin(), s.end()) - s.begin());
    out.push_back(h.labels[top]);
    return out;
  }
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] >= h.thresholds[k]) out.push_back(h.labels[k]);
  }
  return out;
}

std::string Classifier::to_json(const Classification& c, bool with_flags) const {
  std::string out = "{";
  for (size_t h = 0; h < heads_->size(); ++h) {
    const std::vector<std::string>& names = (*escaped_)[h];
    if (h > 0) out += ", ";
    out += names[0];
    out += ": {\"scores\": {";
    for (size_t k = 0; k < c.scores[h].size(); ++k) {
      if (k > 0) out += ", ";
      out += names[k + 1];
      out += ": ";
      append_float(&out, c.scores[h][k]);
    }
    out += "}";
    if (with_flags) {
      out += ", \"flags\": [";
      const std::vector<std::string_view> f = flags(c, h);
      for (size_t i = 0; i < f.size(); ++i) {
        if (i > 0) out += ", ";
        const int k = (*heads_)[h].label_index(f[i]);
        out += names[static_cast<size_t>(k) + 1];
      }
      out += "]";
    }
    out += "}";
  }
  out += "}";
  return out;
}

std::string Classifier::metadata_json() const {
  return model_->metadata().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace winnow
