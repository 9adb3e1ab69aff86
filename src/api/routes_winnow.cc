// Extension routes under /v1/winnow/ (dashboard): info, file preview, validation report, label
// statistics, model metrics. They reuse the CLI's library code (classifier_jsonl validation,
// dataset_stats, src/eval) so the API and `winnow validate/stats --json` agree.
#include <map>
#include <mutex>

#include "api/error_texts.h"
#include "api/model_metrics.h"
#include "api/openapi.h"
#include "api/query_args.h"
#include "api/responses.h"
#include "api/service_context.h"
#include "api/wire_json.h"
#include "data/byte_source.h"
#include "data/classifier_jsonl.h"
#include "data/dataset_stats.h"
#include "report/distribution_table.h"
#include "report/validation_json.h"

namespace winnow::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxReportedProblems = 10000;

// Messages from the readers name the stored blob's path; users know the file by its name.
std::string with_filename(std::string message, const std::string& path,
                          const std::string& filename) {
  for (size_t pos = message.find(path); pos != std::string::npos; pos = message.find(path, pos)) {
    message.replace(pos, path.size(), filename);
    pos += filename.size();
  }
  return message;
}

void info(ServiceContext& ctx, ApiCall& call) {
  OrderedJson out;
  out["version"] = WINNOW_VERSION;
  out["auth_required"] = ctx.options.require_auth;
  send_json(call.response, 200, out);
}

void preview(ServiceContext& ctx, ApiCall& call) {
  FieldErrors errors;
  const int64_t lines = query_int(call, "lines", 20, 0, 1000, &errors);
  if (!errors.empty()) return errors.send(call.response);
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, call.param("file_id"));
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  const std::string path = ctx.store.file_path(*f);
  Result<std::unique_ptr<ByteSource>> source = open_byte_source(path);
  if (!source.is_ok()) return send_error(ctx, call, source.status());
  LineReader reader(std::move(source).value());
  OrderedJson out;
  out["lines"] = OrderedJson::array();
  int64_t total = 0;
  std::string_view line;
  for (;;) {
    Result<bool> more = reader.next(&line);
    if (!more.is_ok()) {
      return send_error(
          ctx, call,
          Status(more.status().code(), with_filename(more.status().message(), path, f->filename)));
    }
    if (!*more) break;
    if (total < lines) out["lines"].push_back(std::string(line));
    ++total;
  }
  out["total_lines"] = total;
  send_json(call.response, 200, out);
}

void validation(ServiceContext& ctx, ApiCall& call) {
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, call.param("file_id"));
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  const std::string path = ctx.store.file_path(*f);
  OrderedJson problems = OrderedJson::array();
  Result<ValidationReport> report = validate_classifier_files({path}, [&](const LineProblem& p) {
    if (problems.size() >= kMaxReportedProblems) return;
    LineProblem named = p;
    named.file = f->filename;
    named.message = with_filename(p.message, path, f->filename);
    problems.push_back(line_problem_json(named));
  });
  if (!report.is_ok()) {
    return send_error(ctx, call,
                      Status(report.status().code(),
                             with_filename(report.status().message(), path, f->filename)));
  }
  report->files = {f->filename};
  OrderedJson out;
  out["problems"] = std::move(problems);
  out.update(validation_summary_json(*report));
  out["problems_truncated"] = report->problem_count > kMaxReportedProblems;
  send_json(call.response, 200, out);
}

void stats(ServiceContext& ctx, ApiCall& call) {
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, call.param("file_id"));
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  const std::string path = ctx.store.file_path(*f);
  const std::string safe_label =
      call.query.get("safe_label").value_or(std::string(kDefaultSafeLabel));
  if (safe_label.empty()) {
    FieldErrors errors;
    errors.add("string_too_short", json::array({"query", "safe_label"}),
               "String should have at least 1 character");
    return errors.send(call.response);
  }
  Result<DatasetStats> computed =
      compute_dataset_stats({SplitFile{split_name_for_path(f->filename), path}}, safe_label);
  if (!computed.is_ok()) {
    return send_error(ctx, call,
                      Status(computed.status().code(),
                             with_filename(computed.status().message(), path, f->filename)));
  }
  const std::vector<std::string> heads = computed->head_names();
  const std::string head =
      call.query.get("head").value_or(heads.empty() ? std::string() : heads.front());
  Result<HeadDistribution> dist = computed->distribution(head);
  if (!dist.is_ok()) return send_error(ctx, call, dist.status());
  for (SplitDistribution& split : dist->splits) split.path = f->filename;
  send_json(call.response, 200, distribution_to_json(*dist, heads));
}

// Metrics reports are computed once per model and kept (a model never changes).
struct MetricsMemo {
  std::mutex mutex;
  std::map<std::string, std::string> by_key;
};

void model_metrics(ServiceContext& ctx, ApiCall& call, MetricsMemo& memo) {
  const std::string& id = call.param("model_id");
  Result<store::ModelRecord> model = ctx.store.get_model(call.workspace, id);
  if (!model.is_ok()) {
    return send_error(ctx, call, model_error(model.status()));
  }
  const std::string key = call.workspace + '\0' + id;
  {
    std::lock_guard lock(memo.mutex);
    if (auto it = memo.by_key.find(key); it != memo.by_key.end()) {
      return send_json_text(call.response, 200, it->second);
    }
  }
  Result<store::JobRecord> job = ctx.store.get_job(call.workspace, model->job_id);
  if (!job.is_ok()) return send_error(ctx, call, job.status());
  if (job->validation_files.empty()) {
    return send_detail(
        call.response, 409,
        "The job that trained this model had no validation files: no metrics to show");
  }
  std::vector<std::string> paths;
  for (const std::string& file_id : job->validation_files) {
    paths.push_back(ctx.store.job_file_path(job->id, file_id));
  }
  Result<std::shared_ptr<const LoadedModel>> loaded = ctx.models.get(call.workspace, id, [&]() {
    return load_model_for_serving(id, ctx.store.model_path(*model));
  });
  if (!loaded.is_ok()) return send_error(ctx, call, loaded.status());
  Result<json> report = evaluate_model_on_files((*loaded)->classifier, paths);
  if (!report.is_ok()) {
    if (report.status().code() == StatusCode::kFailedPrecondition) {
      return send_detail(call.response, 409, report.status().message());
    }
    return send_error(ctx, call, report.status());
  }
  OrderedJson out;
  out["model"] = id;
  out["job"] = job->id;
  out["samples"] = (*report)["samples"];
  out["heads"] = OrderedJson::parse((*report)["heads"].dump());
  out["curves"] = OrderedJson::parse((*report)["curves"].dump());
  std::string text = dump_json(out);
  {
    std::lock_guard lock(memo.mutex);
    if (memo.by_key.size() > 64) memo.by_key.clear();
    memo.by_key[key] = text;
  }
  send_json_text(call.response, 200, std::move(text));
}

// The identity-bias audit training stored in the model file (metadata.validation.bias_audit,
// docs/bias-audit.md) when the job's validation files carried identities: read from the model,
// never recomputed. 404 in the API's error shape when the model has none.
void model_bias_audit(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("model_id");
  Result<store::ModelRecord> model = ctx.store.get_model(call.workspace, id);
  if (!model.is_ok()) {
    return send_error(ctx, call, model_error(model.status()));
  }
  Result<std::shared_ptr<const LoadedModel>> loaded = ctx.models.get(call.workspace, id, [&]() {
    return load_model_for_serving(id, ctx.store.model_path(*model));
  });
  if (!loaded.is_ok()) return send_error(ctx, call, loaded.status());
  const json metadata = json::parse((*loaded)->classifier.metadata_json(), nullptr, false);
  const json* audit = nullptr;
  if (metadata.is_object()) {
    const auto v = metadata.find("validation");
    if (v != metadata.end() && v->is_object()) {
      const auto a = v->find("bias_audit");
      if (a != v->end() && a->is_array() && !a->empty()) audit = &*a;
    }
  }
  if (audit == nullptr) {
    return send_detail(call.response, 404,
                       "This model has no bias audit: train it with a validation file prepared "
                       "with 'winnow prepare --identity-columns'");
  }
  OrderedJson out;
  out["model"] = id;
  out["job"] = model->job_id;
  out["bias_audit"] = OrderedJson::parse(audit->dump());
  send_json(call.response, 200, out);
}

}  // namespace

void add_winnow_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  auto memo = std::make_shared<MetricsMemo>();
  router.add({"GET", "/v1/winnow/info", "Server version and whether API keys are required",
              "winnow", false, BodyKind::kNone, nullptr, schema_ref("ServerInfo")},
             [c](ApiCall& call) { info(*c, call); });
  router.add({"GET", "/v1/winnow/files/{file_id}/preview",
              "The first lines of a file (lines: default 20, max 1000) and its line count",
              "winnow", true, BodyKind::kNone, nullptr, schema_ref("FilePreview")},
             [c](ApiCall& call) { preview(*c, call); });
  router.add({"GET", "/v1/winnow/files/{file_id}/validation",
              "The file checked as classifier JSONL (winnow validate --json)", "winnow", true,
              BodyKind::kNone, nullptr, schema_ref("ValidationReport")},
             [c](ApiCall& call) { validation(*c, call); });
  router.add({"GET", "/v1/winnow/files/{file_id}/stats",
              "Label distribution of one head (head, safe_label; winnow stats --json)", "winnow",
              true, BodyKind::kNone, nullptr, schema_ref("LabelStats")},
             [c](ApiCall& call) { stats(*c, call); });
  router.add({"GET",
              "/v1/winnow/models/{model_id}/metrics",
              "Per-head evaluation and ROC/PR curves on the job's validation files",
              "winnow",
              true,
              BodyKind::kNone,
              nullptr,
              schema_ref("ModelMetrics"),
              kJsonType,
              {409}},
             [c, memo](ApiCall& call) { model_metrics(*c, call, *memo); });
  router.add({"GET", "/v1/winnow/models/{model_id}/bias-audit",
              "The identity-bias audit stored at training (validation files with "
              "metadata.identity); 404 when the model has none",
              "winnow", true, BodyKind::kNone, nullptr, schema_ref("BiasAudit")},
             [c](ApiCall& call) { model_bias_audit(*c, call); });
}

void add_service_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  router.add({"GET", "/health", "Liveness: {\"status\": \"ok\"}", "service", false, BodyKind::kNone,
              nullptr, schema_ref("Health")},
             [](ApiCall& call) { send_json_text(call.response, 200, "{\"status\":\"ok\"}"); });
  router.add(
      {"GET", "/metrics", "Prometheus metrics (requests, latency, jobs, model cache)", "service",
       false, BodyKind::kNone, nullptr, schema_ref("PrometheusText"), "text/plain"},
      [c](ApiCall& call) {
        call.response.status = 200;
        call.response.set_content(c->prometheus_text(), "text/plain; version=0.0.4");
      });
  router.add({"GET", "/v1/openapi.json", "This OpenAPI 3.1 document", "service", false,
              BodyKind::kNone, nullptr, schema_ref("OpenApiDocument")},
             [c](ApiCall& call) {
               send_json(call.response, 200, openapi_document(c->router, WINNOW_VERSION));
             });
}

}  // namespace winnow::api
