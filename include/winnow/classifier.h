// Winnow's in-process classification API: load a model file once, classify texts from any
// number of threads.
//
//   auto clf = winnow::Classifier::load("moderation.winnow");
//   if (!clf.is_ok()) { /* clf.status().message() says why */ }
//   winnow::Classification c = clf->classify("you are an idiot");
//   float toxicity = c.scores[0][clf->heads()[0].label_index("toxicity")];
//   std::string json = clf->to_json(c, /*with_flags=*/true);
//     // {"moderation": {"scores": {"toxicity": 0.93, ...}, "flags": ["toxicity", "insult"]}}
//
// Thread-safety: a Classifier is immutable after load; every const method may be called
// concurrently. Copies are cheap and share the weights.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "winnow/status.h"  // winnow::Status, winnow::Result

namespace winnow {

class Model;

// One head (target) of a model: its labels in score order and their decision thresholds.
struct ClassifierHead {
  std::string name;
  bool multi_label = false;  // false: one label per text, scores are a softmax summing to 1
  bool normalized = false;   // multi-label head with Mistral-style scores summing to 1
  std::vector<std::string> labels;
  std::vector<float> thresholds;  // tuned on validation data (best F1) at training time
  // Index of `label` in labels, or -1.
  int label_index(std::string_view label) const;
};

// How a text longer than the model's window (its "chunking" in the model file, 256 words by
// default) is scored: it is read as overlapping chunks and each label's score is the max or
// the mean of its chunks' scores. kModel: what the model was trained with (max by default).
enum class LongTextAggregate { kModel, kMax, kMean };

// Scores of one text: scores[h][k] is the score of heads()[h].labels[k].
struct Classification {
  std::vector<std::vector<float>> scores;
};

class Classifier {
 public:
  // Loads and checks a model file. Errors: kNotFound / kIoError (unreadable),
  // kInvalidArgument (not a Winnow model, unsupported version), kCorruption (damaged).
  static Result<Classifier> load(const std::string& path);
  // Wraps a model already in memory (e.g. just trained).
  explicit Classifier(std::shared_ptr<const Model> model);

  const std::vector<ClassifierHead>& heads() const { return *heads_; }

  // Scores of one text. Any bytes are accepted (invalid UTF-8 included); never fails.
  Classification classify(std::string_view text,
                          LongTextAggregate aggregate = LongTextAggregate::kModel) const;

  // Scores of many texts, in input order, spread over `threads` threads (0 = all hardware
  // threads).
  std::vector<Classification> classify_batch(
      std::span<const std::string_view> texts, int threads = 0,
      LongTextAggregate aggregate = LongTextAggregate::kModel) const;

  // The flagged labels of head h: for multi-label heads every label whose score >= its
  // threshold, for single-label heads the top label.
  std::vector<std::string_view> flags(const Classification& c, size_t head) const;

  // The API's result object for one input:
  // {"<head>": {"scores": {"<label>": score, ...}[, "flags": [...]]}, ...}
  // Scores are printed in the shortest form that reads back to the same float.
  std::string to_json(const Classification& c, bool with_flags) const;

  // The model's metadata (hyperparameters, training data, validation metrics) as JSON text.
  std::string metadata_json() const;

  const std::shared_ptr<const Model>& model() const { return model_; }

 private:
  std::shared_ptr<const Model> model_;
  std::shared_ptr<const std::vector<ClassifierHead>> heads_;
  std::shared_ptr<const std::vector<std::vector<std::string>>>
      escaped_;  // JSON-quoted names:
                 // [h][0] head, [h][1+k] labels
};

}  // namespace winnow
