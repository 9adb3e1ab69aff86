#include "store/record_json.h"

namespace winnow::store {
namespace {

using nlohmann::json;

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

// Parses and converts, turning nlohmann's exceptions into kCorruption.
template <typename F>
auto parse_as(const std::string& text, const char* what, F&& convert)
    -> Result<decltype(convert(std::declval<const json&>()))> {
  try {
    const json j = json::parse(text);
    return convert(j);
  } catch (const std::exception& e) {
    return Status::corruption(std::string("stored ") + what + " is damaged: " + e.what());
  }
}

}  // namespace

json to_json(const Hyperparameters& h) {
  return {{"training_steps", optional_json(h.training_steps)},
          {"learning_rate", h.learning_rate},
          {"weight_decay", optional_json(h.weight_decay)},
          {"warmup_fraction", optional_json(h.warmup_fraction)},
          {"epochs", optional_json(h.epochs)},
          {"seq_len", optional_json(h.seq_len)}};
}

json to_json(const JobMetadata& m) {
  return {{"expected_duration_seconds", optional_json(m.expected_duration_seconds)},
          {"cost", m.cost},
          {"cost_currency", optional_json(m.cost_currency)},
          {"train_tokens_per_step", optional_json(m.train_tokens_per_step)},
          {"train_tokens", optional_json(m.train_tokens)},
          {"data_tokens", optional_json(m.data_tokens)},
          {"estimated_start_time", optional_json(m.estimated_start_time)}};
}

json to_json(const std::vector<ClassifierTarget>& targets) {
  json out = json::array();
  for (const ClassifierTarget& t : targets) {
    out.push_back({{"name", t.name},
                   {"labels", t.labels},
                   {"weight", t.weight},
                   {"loss_function", t.loss_function}});
  }
  return out;
}

json to_json(const std::vector<JobTrainingFile>& files) {
  json out = json::array();
  for (const JobTrainingFile& f : files)
    out.push_back({{"file_id", f.file_id}, {"weight", f.weight}});
  return out;
}

Result<Hyperparameters> hyperparameters_from_json(const std::string& text) {
  return parse_as(text, "hyperparameters", [](const json& j) {
    Hyperparameters h;
    h.training_steps = optional_from<int64_t>(j, "training_steps");
    h.learning_rate = j.value("learning_rate", h.learning_rate);
    h.weight_decay = optional_from<double>(j, "weight_decay");
    h.warmup_fraction = optional_from<double>(j, "warmup_fraction");
    h.epochs = optional_from<double>(j, "epochs");
    h.seq_len = optional_from<int64_t>(j, "seq_len");
    return h;
  });
}

Result<JobMetadata> metadata_from_json(const std::string& text) {
  return parse_as(text, "job metadata", [](const json& j) {
    JobMetadata m;
    m.expected_duration_seconds = optional_from<int64_t>(j, "expected_duration_seconds");
    m.cost = j.value("cost", 0.0);
    m.cost_currency = optional_from<std::string>(j, "cost_currency");
    m.train_tokens_per_step = optional_from<int64_t>(j, "train_tokens_per_step");
    m.train_tokens = optional_from<int64_t>(j, "train_tokens");
    m.data_tokens = optional_from<int64_t>(j, "data_tokens");
    m.estimated_start_time = optional_from<int64_t>(j, "estimated_start_time");
    return m;
  });
}

Result<std::vector<ClassifierTarget>> targets_from_json(const std::string& text) {
  return parse_as(text, "classifier targets", [](const json& j) {
    std::vector<ClassifierTarget> out;
    for (const json& t : j) {
      ClassifierTarget target;
      target.name = t.at("name").get<std::string>();
      target.labels = t.at("labels").get<std::vector<std::string>>();
      target.weight = t.value("weight", 1.0);
      target.loss_function = t.value("loss_function", std::string());
      out.push_back(std::move(target));
    }
    return out;
  });
}

Result<std::vector<JobTrainingFile>> training_files_from_json(const std::string& text) {
  return parse_as(text, "training files", [](const json& j) {
    std::vector<JobTrainingFile> out;
    for (const json& f : j)
      out.push_back({f.at("file_id").get<std::string>(), f.value("weight", 1.0)});
    return out;
  });
}

Result<std::vector<std::string>> strings_from_json(const std::string& text) {
  return parse_as(text, "id list", [](const json& j) { return j.get<std::vector<std::string>>(); });
}

Result<nlohmann::json> json_from_text(const std::string& text) {
  return parse_as(text, "JSON", [](const json& j) { return j; });
}

}  // namespace winnow::store
