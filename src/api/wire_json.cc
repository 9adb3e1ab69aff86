#include "api/wire_json.h"

#include <cmath>

#include "store/store.h"

namespace winnow::api {
namespace {

template <typename T>
OrderedJson opt(const std::optional<T>& v) {
  return v ? OrderedJson(*v) : OrderedJson(nullptr);
}

OrderedJson hyperparameters_json(const store::Hyperparameters& h) {
  OrderedJson j;
  j["training_steps"] = opt(h.training_steps);
  j["learning_rate"] = json_number(h.learning_rate);
  j["weight_decay"] = json_number(h.weight_decay);
  j["warmup_fraction"] = json_number(h.warmup_fraction);
  j["epochs"] = json_number(h.epochs);
  j["seq_len"] = opt(h.seq_len);
  return j;
}

OrderedJson metadata_json(const store::JobMetadata& m) {
  OrderedJson j;
  j["expected_duration_seconds"] = opt(m.expected_duration_seconds);
  j["cost"] = json_number(m.cost);
  j["cost_currency"] = opt(m.cost_currency);
  j["train_tokens_per_step"] = opt(m.train_tokens_per_step);
  j["train_tokens"] = opt(m.train_tokens);
  j["data_tokens"] = opt(m.data_tokens);
  j["estimated_start_time"] = opt(m.estimated_start_time);
  return j;
}

OrderedJson capabilities(bool fine_tuning, bool classification) {
  OrderedJson c;
  for (const char* name : {"completion_chat", "function_calling", "reasoning", "completion_fim",
                           "fine_tuning", "vision", "ocr", "classification", "moderation", "audio",
                           "audio_transcription", "audio_transcription_realtime", "audio_speech"}) {
    c[name] = false;
  }
  c["fine_tuning"] = fine_tuning;
  c["classification"] = classification;
  return c;
}

}  // namespace

OrderedJson json_number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

OrderedJson file_json(const store::FileRecord& f, bool with_deleted) {
  OrderedJson j;
  j["id"] = f.id;
  j["object"] = "file";
  j["bytes"] = f.bytes;
  j["created_at"] = f.created_at;
  j["filename"] = f.filename;
  j["purpose"] = f.purpose;
  j["sample_type"] = f.sample_type;
  j["num_lines"] = f.num_lines;
  j["mimetype"] = f.mimetype;
  j["source"] = f.source;
  j["signature"] = f.signature.empty() ? OrderedJson(nullptr) : OrderedJson(f.signature);
  j["expires_at"] = opt(f.expires_at);
  j["visibility"] = f.visibility;
  if (with_deleted) j["deleted"] = false;
  return j;
}

OrderedJson targets_json(const std::vector<store::ClassifierTarget>& targets) {
  OrderedJson out = OrderedJson::array();
  for (const store::ClassifierTarget& t : targets) {
    OrderedJson j;
    j["name"] = t.name;
    j["labels"] = t.labels;
    j["weight"] = json_number(t.weight);
    if (j["weight"].is_null()) j["weight"] = 1.0;
    j["loss_function"] = t.loss_function.empty() ? "multi_class" : t.loss_function;
    out.push_back(std::move(j));
  }
  return out;
}

OrderedJson job_json(const store::JobRecord& job, bool detailed) {
  OrderedJson j;
  j["id"] = job.id;
  j["object"] = "job";
  j["job_type"] = "classifier";
  j["auto_start"] = job.auto_start;
  j["model"] = job.model;
  j["status"] = std::string(store::job_status_name(job.status));
  j["created_at"] = job.created_at;
  j["modified_at"] = job.modified_at;
  OrderedJson training = OrderedJson::array();
  for (const store::JobTrainingFile& f : job.training_files) training.push_back(f.file_id);
  j["training_files"] = std::move(training);
  j["validation_files"] = job.validation_files;
  j["hyperparameters"] = hyperparameters_json(job.hyperparameters);
  j["fine_tuned_model"] = opt(job.fine_tuned_model);
  j["suffix"] = opt(job.suffix);
  j["integrations"] = job.integrations.is_array() ? OrderedJson::parse(job.integrations.dump())
                                                  : OrderedJson::array();
  j["trained_tokens"] = opt(job.trained_tokens);
  j["metadata"] = metadata_json(job.metadata);
  if (!detailed) return j;
  j["classifier_targets"] = targets_json(job.classifier_targets);
  OrderedJson events = OrderedJson::array();
  for (const store::JobEvent& e : job.events) {
    OrderedJson ev;
    ev["name"] = e.name;
    ev["data"] = e.data.is_null() ? OrderedJson(nullptr) : OrderedJson::parse(e.data.dump());
    ev["created_at"] = e.created_at;
    events.push_back(std::move(ev));
  }
  j["events"] = std::move(events);
  OrderedJson checkpoints = OrderedJson::array();
  for (auto it = job.checkpoints.rbegin(); it != job.checkpoints.rend(); ++it) {
    OrderedJson metrics;
    metrics["train_loss"] = json_number(it->train_loss);
    metrics["valid_loss"] = json_number(it->valid_loss);
    metrics["valid_mean_token_accuracy"] = json_number(it->valid_accuracy);
    metrics["valid_macro_roc_auc"] = json_number(it->valid_macro_roc_auc);
    OrderedJson c;
    c["metrics"] = std::move(metrics);
    c["step_number"] = it->step_number;
    c["created_at"] = it->created_at;
    checkpoints.push_back(std::move(c));
  }
  j["checkpoints"] = std::move(checkpoints);
  if (job.error) j["error"] = *job.error;  // extension: why FAILED / FAILED_VALIDATION
  return j;
}

OrderedJson base_model_card(const jobs::BaseModel& base, int64_t created) {
  OrderedJson j;
  j["id"] = base.id;
  j["object"] = "model";
  j["created"] = created;
  j["owned_by"] = "mistralai";
  j["type"] = "base";
  j["capabilities"] = capabilities(/*fine_tuning=*/true, /*classification=*/false);
  j["name"] = base.id;
  j["description"] =
      base.description.empty() ? OrderedJson(nullptr) : OrderedJson(base.description);
  j["max_context_length"] = 32768;
  j["aliases"] = OrderedJson::array();
  j["deprecation"] = nullptr;
  j["deprecation_replacement_model"] = nullptr;
  j["default_model_temperature"] = nullptr;
  j["architecture"] = base.architecture;  // extension
  return j;
}

OrderedJson fine_tuned_model_card(const store::ModelRecord& m) {
  OrderedJson j;
  j["id"] = m.id;
  j["object"] = "model";
  j["created"] = m.created;
  j["owned_by"] = store::workspace_tag(m.workspace);
  j["type"] = "fine-tuned";
  j["job"] = m.job_id;
  j["root"] = m.root;
  j["archived"] = m.archived;
  j["capabilities"] = capabilities(/*fine_tuning=*/false, /*classification=*/true);
  j["name"] = opt(m.name);
  j["description"] = opt(m.description);
  j["max_context_length"] = 32768;
  j["aliases"] = OrderedJson::array();
  j["deprecation"] = nullptr;
  j["deprecation_replacement_model"] = nullptr;
  j["default_model_temperature"] = nullptr;
  j["classifier_targets"] = targets_json(m.classifier_targets);  // extension
  return j;
}

OrderedJson classifier_fine_tuned_model(const store::ModelRecord& m) {
  OrderedJson j;
  const std::string tag = store::workspace_tag(m.workspace);
  j["id"] = m.id;
  j["object"] = "model";
  j["created"] = m.created;
  j["owned_by"] = tag;
  j["workspace_id"] = tag;
  j["root"] = m.root;
  j["root_version"] = "1";
  j["archived"] = m.archived;
  j["name"] = opt(m.name);
  j["description"] = opt(m.description);
  OrderedJson caps;
  caps["completion_chat"] = false;
  caps["completion_fim"] = false;
  caps["function_calling"] = false;
  caps["fine_tuning"] = false;
  caps["classification"] = true;
  j["capabilities"] = std::move(caps);
  j["max_context_length"] = 32768;
  j["aliases"] = OrderedJson::array();
  j["job"] = m.job_id;
  j["classifier_targets"] = targets_json(m.classifier_targets);
  j["model_type"] = "classifier";
  return j;
}

}  // namespace winnow::api
