// Fine-tuning jobs: J1 create, J2 list, J3 get, J4 start, J5 cancel (docs/api.md).
#include <cmath>

#include "api/body_fields.h"
#include "api/error_texts.h"
#include "api/openapi.h"
#include "api/query_args.h"
#include "api/responses.h"
#include "api/service_context.h"
#include "api/wire_json.h"
#include "train/hyperparameters.h"

namespace winnow::api {
namespace {

using nlohmann::json;

void parse_hyperparameters(const json& body, store::Hyperparameters* h, FieldErrors* errors) {
  auto it = body.find("hyperparameters");
  if (it == body.end()) {
    errors->missing(body_loc({"hyperparameters"}));
    return;
  }
  if (!it->is_object()) {
    errors->wrong_type(JsonType::kObject, body_loc({"hyperparameters"}), *it);
    return;
  }
  const json& hp = *it;
  h->training_steps =
      int_field(hp, "training_steps", body_loc({"hyperparameters", "training_steps"}), 1, errors);
  if (auto lr = number_field(hp, "learning_rate", body_loc({"hyperparameters", "learning_rate"}),
                             hyper::kLearningRate.min, hyper::kLearningRate.max, false, errors)) {
    h->learning_rate = *lr;
  }
  if (hp.contains("weight_decay")) {
    h->weight_decay =
        number_field(hp, "weight_decay", body_loc({"hyperparameters", "weight_decay"}),
                     hyper::kWeightDecay.min, hyper::kWeightDecay.max, false, errors);
    if (!h->weight_decay && hp["weight_decay"].is_null())
      h->weight_decay = hyper::kDefaultWeightDecay;
  }
  if (hp.contains("warmup_fraction")) {
    h->warmup_fraction =
        number_field(hp, "warmup_fraction", body_loc({"hyperparameters", "warmup_fraction"}),
                     hyper::kWarmupFraction.min, hyper::kWarmupFraction.max, false, errors);
    if (!h->warmup_fraction && hp["warmup_fraction"].is_null()) {
      h->warmup_fraction = hyper::kDefaultWarmupFraction;
    }
  }
  h->epochs = number_field(hp, "epochs", body_loc({"hyperparameters", "epochs"}), 0,
                           hyper::kMaxEpochs, true, errors);
  if (hp.contains("seq_len") && !hp["seq_len"].is_null()) {
    h->seq_len = int_field(hp, "seq_len", body_loc({"hyperparameters", "seq_len"}), 100, errors);
  }
}

void parse_training_files(const json& body, store::JobRecord* job, FieldErrors* errors) {
  auto it = body.find("training_files");
  if (it != body.end() && !it->is_null() && !it->is_array()) {
    errors->wrong_type(JsonType::kList, body_loc({"training_files"}), *it);
    return;
  }
  if (it != body.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const json& f = (*it)[i];
      store::JobTrainingFile tf;
      if (f.is_string()) {
        tf.file_id = f.get<std::string>();
      } else if (f.is_object()) {
        auto id = string_field(f, "file_id", body_loc({"training_files", i, "file_id"}), errors);
        if (!f.contains("file_id")) errors->missing(body_loc({"training_files", i, "file_id"}));
        if (id) tf.file_id = *id;
        if (f.contains("weight") && !f["weight"].is_null()) {
          auto w = number_field(f, "weight", body_loc({"training_files", i, "weight"}), 0, 1e9,
                                true, errors);
          if (w) tf.weight = *w;
        }
      } else {
        errors->add("model_attributes_type", body_loc({"training_files", i}),
                    "Input should be a file id or an object with file_id and weight", f);
        continue;
      }
      job->training_files.push_back(std::move(tf));
    }
  }
  if (job->training_files.empty() && errors->empty()) {
    errors->add("value_error", body_loc({"job_in"}),
                "Value error, At least one training file or repository is required.");
  }
}

void parse_targets(const json& body, store::JobRecord* job, FieldErrors* errors) {
  auto it = body.find("classifier_targets");
  if (it == body.end() || it->is_null()) return;
  if (!it->is_array()) {
    errors->wrong_type(JsonType::kList, body_loc({"classifier_targets"}), *it);
    return;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& t = (*it)[i];
    if (!t.is_object()) {
      errors->wrong_type(JsonType::kObject, body_loc({"classifier_targets", i}), t);
      continue;
    }
    store::ClassifierTarget target;
    if (!t.contains("name")) errors->missing(body_loc({"classifier_targets", i, "name"}));
    if (auto n = string_field(t, "name", body_loc({"classifier_targets", i, "name"}), errors))
      target.name = *n;
    auto labels = t.find("labels");
    if (labels == t.end()) {
      errors->missing(body_loc({"classifier_targets", i, "labels"}));
    } else if (!labels->is_array()) {
      errors->wrong_type(JsonType::kList, body_loc({"classifier_targets", i, "labels"}), *labels);
    } else {
      for (size_t k = 0; k < labels->size(); ++k) {
        if (!(*labels)[k].is_string()) {
          errors->wrong_type(JsonType::kString, body_loc({"classifier_targets", i, "labels", k}),
                             (*labels)[k]);
        } else {
          target.labels.push_back((*labels)[k].get<std::string>());
        }
      }
    }
    if (auto w = number_field(t, "weight", body_loc({"classifier_targets", i, "weight"}), 0, 1e9,
                              false, errors)) {
      target.weight = *w;
    }
    if (auto lf = string_field(t, "loss_function",
                               body_loc({"classifier_targets", i, "loss_function"}), errors)) {
      if (*lf != "single_class" && *lf != "multi_class") {
        errors->add("enum", body_loc({"classifier_targets", i, "loss_function"}),
                    "Input should be 'single_class' or 'multi_class'", *lf);
      }
      target.loss_function = *lf;
    }
    job->requested_targets.push_back(std::move(target));
  }
}

void parse_integrations(const json& body, store::JobRecord* job, FieldErrors* errors) {
  job->integrations = json::array();
  auto it = body.find("integrations");
  if (it == body.end() || it->is_null()) return;
  if (!it->is_array()) {
    errors->wrong_type(JsonType::kList, body_loc({"integrations"}), *it);
    return;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& in = (*it)[i];
    auto type = in.is_object() ? in.find("type") : in.end();
    if (!in.is_object() || (type != in.end() && *type != "wandb")) {
      errors->add("literal_error", body_loc({"integrations", i, "type"}), "Input should be 'wandb'",
                  in);
      continue;
    }
    if (!in.contains("project")) errors->missing(body_loc({"integrations", i, "project"}));
    json out;  // echoed without the api_key
    out["type"] = "wandb";
    out["project"] = in.value("project", json(nullptr));
    out["name"] = in.value("name", json(nullptr));
    out["run_name"] = in.value("run_name", json(nullptr));
    out["url"] = nullptr;
    job->integrations.push_back(std::move(out));
  }
}

void create_job(ServiceContext& ctx, ApiCall& call) {
  const json& b = call.body;
  FieldErrors errors;
  store::JobRecord draft;
  draft.workspace = call.workspace;
  if (!b.contains("model")) errors.missing(body_loc({"model"}));
  if (auto m = string_field(b, "model", body_loc({"model"}), &errors)) draft.model = *m;
  if (auto jt = string_field(b, "job_type", body_loc({"job_type"}), &errors)) {
    if (*jt == "completion") {
      send_detail(call.response, 422,
                  "Model not available for this type of fine-tuning (completion).");
      return;
    }
    if (*jt != "classifier") {
      errors.add("enum", body_loc({"job_type"}), "Input should be 'completion' or 'classifier'",
                 *jt);
    }
  }
  parse_hyperparameters(b, &draft.hyperparameters, &errors);
  parse_training_files(b, &draft, &errors);
  if (auto it = b.find("validation_files"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) {
      errors.wrong_type(JsonType::kList, body_loc({"validation_files"}), *it);
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string()) {
          errors.wrong_type(JsonType::kUuid, body_loc({"validation_files", i}), (*it)[i]);
        } else {
          draft.validation_files.push_back((*it)[i].get<std::string>());
        }
      }
    }
  }
  if (auto a = bool_field(b, "auto_start", body_loc({"auto_start"}), &errors))
    draft.auto_start = *a;
  if (auto p = number_field(b, "invalid_sample_skip_percentage",
                            body_loc({"invalid_sample_skip_percentage"}), 0, 0.5, false, &errors)) {
    draft.invalid_sample_skip_percentage = *p;
  }
  if (auto s = string_field(b, "suffix", body_loc({"suffix"}), &errors)) {
    if (s->size() > 18) {
      errors.add("string_too_long", body_loc({"suffix"}),
                 "String should have at most 18 characters", *s);
    } else if (!s->empty()) {
      draft.suffix = *s;
    }
  }
  parse_integrations(b, &draft, &errors);
  parse_targets(b, &draft, &errors);
  if (auto it = b.find("repositories"); it != b.end() && it->is_array() && !it->empty()) {
    errors.add("value_error", body_loc({"repositories"}),
               "Value error, repositories are only supported for completion fine-tuning");
  }
  if (!errors.empty()) return errors.send(call.response);

  Result<store::JobRecord> job = ctx.jobs.create(std::move(draft));
  if (!job.is_ok()) return send_error(ctx, call, job.status());
  send_json(call.response, 200, job_json(*job, false));
}

void list_jobs(ServiceContext& ctx, ApiCall& call) {
  FieldErrors errors;
  store::JobQuery q;
  q.page = query_int(call, "page", 0, 0, INT32_MAX, &errors);
  q.page_size = query_int(call, "page_size", 100, 1, 10000, &errors);
  query_bool(call, "created_by_me", false, &errors);  // single-tenant per workspace: no-op
  if (auto v = call.query.get("model"); v && !v->empty()) q.model = *v;
  for (const char* key : {"created_after", "created_before"}) {
    if (auto v = call.query.get(key); v && !v->empty()) {
      std::optional<int64_t> t = parse_iso8601(*v);
      if (!t) {
        errors.add("datetime_from_date_parsing", json::array({"query", key}),
                   "Input should be a valid datetime", *v);
      } else if (std::string(key) == "created_after") {
        q.created_after = t;
      } else {
        q.created_before = t;
      }
    }
  }
  if (auto v = call.query.get("status"); v && !v->empty()) {
    q.status = store::parse_job_status(*v);
    if (!q.status) {
      errors.add(
          "enum", json::array({"query", "status"}),
          "Input should be 'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', "
          "'FAILED_VALIDATION', 'FAILED', 'SUCCESS', 'CANCELLED' or 'CANCELLATION_REQUESTED'",
          *v);
    }
  }
  if (auto v = call.query.get("wandb_project"); v && !v->empty()) q.wandb_project = *v;
  if (auto v = call.query.get("wandb_name"); v && !v->empty()) q.wandb_name = *v;
  if (auto v = call.query.get("suffix"); v && !v->empty()) q.suffix = *v;
  if (!errors.empty()) return errors.send(call.response);
  OrderedJson out;
  out["data"] = OrderedJson::array();
  int64_t total = 0;
  if (call.query.get("status") == std::optional<std::string>("STARTED")) {
    // Never emitted (§4): a valid filter that matches nothing.
  } else {
    Result<store::Page<store::JobRecord>> page = ctx.store.list_jobs(call.workspace, q);
    if (!page.is_ok()) return send_error(ctx, call, page.status());
    for (const store::JobRecord& j : page->data) out["data"].push_back(job_json(j, false));
    total = page->total;
  }
  out["object"] = "list";
  out["total"] = total;
  send_json(call.response, 200, out);
}

void get_job(ServiceContext& ctx, ApiCall& call) {
  Result<store::JobRecord> job = ctx.store.get_job(call.workspace, call.param("job_id"));
  if (!job.is_ok()) return send_error(ctx, call, job_error(job.status()));
  send_json(call.response, 200, job_json(*job, true));
}

void start_job(ServiceContext& ctx, ApiCall& call) {
  Result<store::JobRecord> job = ctx.jobs.start_job(call.workspace, call.param("job_id"));
  if (!job.is_ok()) return send_error(ctx, call, job_error(job.status()));
  send_json(call.response, 200, job_json(*job, true));
}

void cancel_job(ServiceContext& ctx, ApiCall& call) {
  Result<store::JobRecord> job = ctx.jobs.cancel(call.workspace, call.param("job_id"));
  if (!job.is_ok()) return send_error(ctx, call, job_error(job.status()));
  send_json(call.response, 200, job_json(*job, true));
}

}  // namespace

void add_job_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  router.add({"POST",
              "/v1/fine_tuning/jobs",
              "Create a classifier fine-tuning job",
              "fine-tuning",
              true,
              BodyKind::kJson,
              schema_ref("JobIn"),
              schema_ref("Job"),
              kJsonType,
              {409}},
             [c](ApiCall& call) { create_job(*c, call); });
  router.add({"GET", "/v1/fine_tuning/jobs",
              "List jobs (page, page_size, model, created_after, created_before, created_by_me, "
              "status, wandb_project, wandb_name, suffix)",
              "fine-tuning", true, BodyKind::kNone, nullptr, schema_ref("JobList")},
             [c](ApiCall& call) { list_jobs(*c, call); });
  router.add({"GET", "/v1/fine_tuning/jobs/{job_id}", "Get a job with events and checkpoints",
              "fine-tuning", true, BodyKind::kNone, nullptr, schema_ref("JobDetailed")},
             [c](ApiCall& call) { get_job(*c, call); });
  router.add({"POST", "/v1/fine_tuning/jobs/{job_id}/start", "Start a VALIDATED job", "fine-tuning",
              true, BodyKind::kNone, nullptr, schema_ref("JobDetailed")},
             [c](ApiCall& call) { start_job(*c, call); });
  router.add({"POST", "/v1/fine_tuning/jobs/{job_id}/cancel", "Cancel a job", "fine-tuning", true,
              BodyKind::kNone, nullptr, schema_ref("JobDetailed")},
             [c](ApiCall& call) { cancel_job(*c, call); });
}

}  // namespace winnow::api
