#include "api/openapi.h"

namespace winnow::api {
namespace {

using nlohmann::json;

json str() { return {{"type", "string"}}; }
json integer() { return {{"type", "integer"}}; }
json number() { return {{"type", "number"}}; }
json boolean() { return {{"type", "boolean"}}; }
json constant(const char* value) { return {{"const", value}}; }
json ref(const char* name) { return schema_ref(name); }
json constant_int(int value) { return {{"const", value}}; }
json nullable(json t) { return {{"anyOf", json::array({std::move(t), {{"type", "null"}}})}}; }
// A number the writers print as null when it is NaN or infinite (wire_json.h json_number).
json real() { return nullable(number()); }
json array_of(json t) { return {{"type", "array"}, {"items", std::move(t)}}; }
json map_of(json t) { return {{"type", "object"}, {"additionalProperties", std::move(t)}}; }
json enum_of(std::initializer_list<const char*> values) {
  json e = json::array();
  for (const char* v : values) e.push_back(v);
  return {{"enum", std::move(e)}};
}
// A request object: fields beyond `properties` are accepted and ignored (spec §1.8).
json object(json properties, json required = json::array()) {
  return {
      {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}
// A response object: exactly the fields the writers send, so that a field written but not
// described (or described but never written, when required) fails openapi.responses.
json closed(json properties, json required) {
  json o = object(std::move(properties), std::move(required));
  o["additionalProperties"] = false;
  return o;
}
// A closed object whose every field is always written.
json all_required(json properties) {
  json required = json::array();
  for (const auto& [key, value] : properties.items()) required.push_back(key);
  return closed(std::move(properties), std::move(required));
}

json error_schemas() {
  return {
      {"Error", all_required({{"detail", str()}})},
      {"ValidationError",
       all_required(
           {{"detail",
             array_of(closed({{"type", str()},
                              {"loc", array_of({{"anyOf", json::array({str(), integer()})}})},
                              {"msg", str()},
                              {"input", json::object()},
                              {"ctx", {{"type", "object"}}}},
                             {"type", "loc", "msg"}))}})},
      {"Unauthorized", all_required({{"message", str()}, {"request_id", str()}})},
  };
}

// The identity-bias audit as eval/bias_audit_json.h writes it (docs/bias-audit.md), one head at
// a time; every field is always written.
json bias_audit_schemas() {
  const json auc = nullable(number());
  json subgroup = all_required({{"name", str()},
                                {"size", integer()},
                                {"positives", integer()},
                                {"negatives", integer()},
                                {"unannotated", integer()},
                                {"subgroup_auc", auc},
                                {"bpsn_auc", auc},
                                {"bnsp_auc", auc},
                                {"undefined", map_of(str())},
                                {"averaged", boolean()},
                                {"not_averaged_reason", nullable(str())}});
  json label = all_required(
      {{"name", str()},
       {"samples", integer()},
       {"positives", integer()},
       {"overall_auc", auc},
       {"subgroups", array_of(ref("BiasAuditSubgroup"))},
       {"subgroups_averaged", integer()},
       {"power_mean", all_required({{"subgroup_auc", auc}, {"bpsn_auc", auc}, {"bnsp_auc", auc}})},
       {"final_metric", auc},
       {"final_metric_note", nullable(str())}});
  json head = all_required({{"head", str()},
                            {"samples", integer()},
                            {"identities", array_of(str())},
                            {"identity_threshold", number()},
                            {"min_subgroup_size", integer()},
                            {"power", number()},
                            {"weights", all_required({{"overall_auc", number()},
                                                      {"subgroup_auc", number()},
                                                      {"bpsn_auc", number()},
                                                      {"bnsp_auc", number()}})},
                            {"labels", array_of(ref("BiasAuditLabel"))}});
  return {
      {"BiasAuditSubgroup", subgroup},
      {"BiasAuditLabel", label},
      {"BiasAuditHead", head},
      // GET /v1/winnow/models/{id}/bias-audit
      {"BiasAudit",
       all_required(
           {{"model", str()}, {"job", str()}, {"bias_audit", array_of(ref("BiasAuditHead"))}})},
  };
}

// §2.1 files (wire_json.cc file_json) and the winnow file views (routes_winnow.cc).
json file_schemas() {
  json file = closed({{"id", {{"type", "string"}, {"format", "uuid"}}},
                      {"object", constant("file")},
                      {"bytes", integer()},
                      {"created_at", integer()},
                      {"filename", str()},
                      {"purpose", str()},
                      {"sample_type", str()},
                      {"num_lines", nullable(integer())},
                      {"mimetype", nullable(str())},
                      {"source", str()},
                      {"signature", nullable(str())},
                      {"expires_at", nullable(integer())},
                      {"visibility", nullable(str())},
                      {"deleted", boolean()}},
                     {"id", "object", "bytes", "created_at", "filename", "purpose", "sample_type",
                      "num_lines", "mimetype", "source", "signature", "expires_at", "visibility"});
  json validation_head =
      all_required({{"name", str()},
                    {"multi_label", boolean()},
                    {"samples", integer()},
                    {"labels", array_of(all_required({{"name", str()}, {"count", integer()}}))}});
  json split = all_required(
      {{"name", str()},
       {"file", str()},
       {"samples", integer()},
       {"no_flags", integer()},
       {"flagged", integer()},
       {"labels", array_of(all_required(
                      {{"label", str()}, {"flagged", integer()}, {"not_flagged", integer()}}))}});
  return {
      {"File", file},
      {"FileList", all_required({{"data", array_of(ref("File"))},
                                 {"object", constant("list")},
                                 {"total", nullable(integer())}})},
      {"Deleted", all_required({{"id", str()}, {"object", str()}, {"deleted", boolean()}})},
      {"SignedUrl", all_required({{"url", str()}})},
      {"FilePreview", all_required({{"lines", array_of(str())}, {"total_lines", integer()}})},
      {"ValidationProblem",
       all_required({{"file", str()}, {"line", integer()}, {"message", str()}})},
      {"ValidationHead", validation_head},
      {"ValidationReport",
       all_required({{"problems", array_of(ref("ValidationProblem"))},
                     {"valid", boolean()},
                     {"files", array_of(all_required({{"path", str()},
                                                      {"lines", integer()},
                                                      {"samples", integer()},
                                                      {"problems", integer()}}))},
                     {"lines", integer()},
                     {"samples", integer()},
                     {"problem_count", integer()},
                     {"heads", array_of(ref("ValidationHead"))},
                     {"problems_truncated", boolean()}})},
      {"SplitDistribution", split},
      {"LabelStats", all_required({{"head", str()},
                                   {"safe_label", str()},
                                   {"heads", array_of(str())},
                                   {"splits", array_of(ref("SplitDistribution"))}})},
  };
}

// §2.2-2.5 jobs (wire_json.cc job_json) and the request of J1.
json job_schemas() {
  json hyper = closed({{"training_steps", nullable(integer())},
                       {"learning_rate", real()},
                       {"weight_decay", real()},
                       {"warmup_fraction", real()},
                       {"epochs", real()},
                       {"seq_len", nullable(integer())}},
                      {"learning_rate"});
  json hyper_in = hyper;
  hyper_in.erase("additionalProperties");
  json target = closed({{"name", str()},
                        {"labels", array_of(str())},
                        {"weight", number()},
                        {"loss_function", enum_of({"single_class", "multi_class"})}},
                       {"name", "labels", "weight", "loss_function"});
  json target_in = object(target["properties"], {"name", "labels"});
  json metadata = all_required({{"expected_duration_seconds", nullable(integer())},
                                {"cost", real()},
                                {"cost_currency", nullable(str())},
                                {"train_tokens_per_step", nullable(integer())},
                                {"train_tokens", nullable(integer())},
                                {"data_tokens", nullable(integer())},
                                {"estimated_start_time", nullable(integer())}});
  json integration = closed({{"type", constant("wandb")},
                             {"project", nullable(str())},
                             {"name", nullable(str())},
                             {"run_name", nullable(str())},
                             {"url", nullable(str())}},
                            {"type", "project"});
  json job = all_required({{"id", str()},
                           {"object", constant("job")},
                           {"job_type", constant("classifier")},
                           {"auto_start", boolean()},
                           {"model", str()},
                           {"status", ref("JobStatus")},
                           {"created_at", integer()},
                           {"modified_at", integer()},
                           {"training_files", array_of(str())},
                           {"validation_files", nullable(array_of(str()))},
                           {"hyperparameters", ref("Hyperparameters")},
                           {"fine_tuned_model", nullable(str())},
                           {"suffix", nullable(str())},
                           {"integrations", nullable(array_of(ref("Integration")))},
                           {"trained_tokens", nullable(integer())},
                           {"metadata", nullable(ref("JobMetadata"))}});
  json detailed = job;
  detailed["properties"]["classifier_targets"] = array_of(ref("ClassifierTarget"));
  detailed["properties"]["events"] = array_of(ref("JobEvent"));
  detailed["properties"]["checkpoints"] = array_of(ref("Checkpoint"));
  // Winnow's extension: why the job FAILED or FAILED_VALIDATION (absent otherwise).
  detailed["properties"]["error"] = str();
  for (const char* f : {"classifier_targets", "events", "checkpoints"})
    detailed["required"].push_back(f);
  json training_file = {
      {"anyOf",
       json::array({str(), object({{"file_id", str()}, {"weight", number()}}, {"file_id"})})}};
  return {
      {"JobStatus",
       enum_of({"QUEUED", "STARTED", "VALIDATING", "VALIDATED", "RUNNING", "FAILED_VALIDATION",
                "FAILED", "SUCCESS", "CANCELLED", "CANCELLATION_REQUESTED"})},
      {"Hyperparameters", hyper},
      {"ClassifierTarget", target},
      {"JobMetadata", metadata},
      {"Integration", integration},
      {"JobEvent",
       all_required(
           {{"name", str()}, {"data", nullable({{"type", "object"}})}, {"created_at", integer()}})},
      {"CheckpointMetrics", all_required({{"train_loss", real()},
                                          {"valid_loss", real()},
                                          {"valid_mean_token_accuracy", real()},
                                          {"valid_macro_roc_auc", real()}})},
      {"Checkpoint", all_required({{"metrics", ref("CheckpointMetrics")},
                                   {"step_number", integer()},
                                   {"created_at", integer()}})},
      {"Job", job},
      {"JobDetailed", detailed},
      {"JobList",
       all_required(
           {{"data", array_of(ref("Job"))}, {"object", constant("list")}, {"total", integer()}})},
      {"JobIn", object({{"model", str()},
                        {"hyperparameters", hyper_in},
                        {"training_files", array_of(training_file)},
                        {"validation_files", nullable(array_of(str()))},
                        {"job_type", nullable(enum_of({"classifier", "completion"}))},
                        {"auto_start", boolean()},
                        {"invalid_sample_skip_percentage", number()},
                        {"suffix", nullable(str())},
                        {"integrations", nullable(array_of(json::object()))},
                        {"classifier_targets", nullable(array_of(target_in))}},
                       {"model", "hyperparameters"})},
  };
}

// §2.6-2.7 models (wire_json.cc base_model_card, fine_tuned_model_card,
// classifier_fine_tuned_model).
json model_schemas() {
  json card = closed({{"id", str()},
                      {"object", constant("model")},
                      {"created", integer()},
                      {"owned_by", str()},
                      {"type", enum_of({"base", "fine-tuned"})},
                      {"capabilities", map_of(boolean())},
                      {"name", nullable(str())},
                      {"description", nullable(str())},
                      {"max_context_length", integer()},
                      {"aliases", array_of(str())},
                      {"deprecation", nullable(str())},
                      {"deprecation_replacement_model", nullable(str())},
                      {"default_model_temperature", nullable(number())},
                      // base models only (extension): the architecture a job on it trains
                      {"architecture", str()},
                      // fine-tuned models only
                      {"job", str()},
                      {"root", str()},
                      {"archived", boolean()},
                      {"classifier_targets", array_of(ref("ClassifierTarget"))}},
                     {"id", "object", "created", "owned_by", "type", "capabilities", "name",
                      "description", "max_context_length", "aliases", "deprecation"});
  json ft_model = all_required({{"id", str()},
                                {"object", constant("model")},
                                {"created", integer()},
                                {"owned_by", str()},
                                {"workspace_id", str()},
                                {"root", str()},
                                {"root_version", str()},
                                {"archived", boolean()},
                                {"name", nullable(str())},
                                {"description", nullable(str())},
                                {"capabilities", map_of(boolean())},
                                {"max_context_length", integer()},
                                {"aliases", array_of(str())},
                                {"job", str()},
                                {"classifier_targets", array_of(ref("ClassifierTarget"))},
                                {"model_type", constant("classifier")}});
  return {
      {"ModelCard", card},
      {"ModelList",
       all_required({{"object", constant("list")}, {"data", array_of(ref("ModelCard"))}})},
      {"UpdateModelIn", object({{"name", nullable(str())}, {"description", nullable(str())}})},
      {"ClassifierFineTunedModel", ft_model},
      {"ArchivedModel",
       all_required({{"id", str()}, {"object", constant("model")}, {"archived", boolean()}})},
  };
}

// The classifier routes (routes_classify.cc) and the explanations (explain/explanation_json.cc).
json classify_schemas() {
  json message = object(
      {{"role", str()}, {"content", {{"anyOf", json::array({str(), array_of(json::object())})}}}},
      {"role"});
  json text_input = {{"anyOf", json::array({str(), array_of(str())})}};
  json conversation = object({{"messages", array_of(message)}}, {"messages"});
  json span = all_required(
      {{"start", integer()}, {"end", integer()}, {"text", str()}, {"contribution", number()}});
  json label = closed({{"head", str()},
                       {"label", str()},
                       {"score", number()},
                       {"flagged", boolean()},
                       {"value", number()},
                       {"base", number()},
                       {"raised", array_of(ref("ExplanationSpan"))},
                       {"lowered", array_of(ref("ExplanationSpan"))},
                       // the [begin, end) byte ranges of the chunks, when the text had several
                       {"chunks", array_of(array_of(integer()))}},
                      {"head", "label", "score", "flagged", "value", "base", "raised", "lowered"});
  return {
      {"ClassificationRequest", object({{"model", str()},
                                        {"input", text_input},
                                        {"metadata", nullable(json::object())},
                                        {"aggregate", enum_of({"max", "mean"})}},
                                       {"model", "input"})},
      {"ChatClassificationRequest",
       object({{"model", str()},
               {"input", {{"anyOf", json::array({conversation, array_of(conversation)})}}}},
              {"model", "input"})},
      {"ChatModerationRequest",
       object(
           {{"model", str()},
            {"input", {{"anyOf", json::array({array_of(message), array_of(array_of(message))})}}}},
           {"model", "input"})},
      // One object per input: head name -> {"scores": label -> probability}.
      {"ClassificationResponse",
       all_required({{"id", str()},
                     {"model", str()},
                     {"results", array_of(map_of(all_required({{"scores", map_of(number())}})))}})},
      {"ModerationResponse",
       all_required(
           {{"id", str()},
            {"model", str()},
            {"results", array_of(all_required({{"categories", map_of(boolean())},
                                               {"category_scores", map_of(number())}}))}})},
      {"ExplainRequest", object({{"model", str()},
                                 {"input", text_input},
                                 {"top_k", integer()},
                                 {"labels", nullable(array_of(str()))},
                                 {"method", enum_of({"auto", "exact", "occlusion"})},
                                 {"aggregate", enum_of({"max", "mean"})}},
                                {"model", "input"})},
      {"ExplanationSpan", span},
      {"LabelExplanation", label},
      {"ExplainResponse",
       all_required(
           {{"id", str()},
            {"model", str()},
            {"results", array_of(all_required({{"method", str()},
                                               {"chunks", integer()},
                                               {"labels", array_of(ref("LabelExplanation"))}}))}})},
  };
}

// GET /v1/winnow/models/{id}/metrics (model_metrics.cc over eval/metrics_json.cc).
json metrics_schemas() {
  json scores = {{"precision", real()}, {"recall", real()}, {"f1", real()}};
  json counts = {{"tp", integer()}, {"fp", integer()}, {"fn", integer()}, {"tn", integer()}};
  auto with = [](json a, const json& b) {
    a.update(b);
    return a;
  };
  json label = all_required(with(with({{"name", str()},
                                       {"positives", integer()},
                                       {"negatives", integer()},
                                       {"roc_auc", real()},
                                       {"average_precision", real()},
                                       {"threshold", real()}},
                                      scores),
                                 counts));
  json multi = all_required(
      {{"kind", constant("multi_label")},
       {"head", str()},
       {"samples", integer()},
       {"threshold_rule", str()},
       {"labels", array_of(ref("LabelMetrics"))},
       {"macro", all_required(with({{"roc_auc", real()},
                                    {"average_precision", real()},
                                    {"labels_without_roc_auc", array_of(str())},
                                    {"labels_without_average_precision", array_of(str())}},
                                   scores))},
       {"micro", all_required(with(scores, counts))}});
  json single = all_required(
      {{"kind", constant("single_label")},
       {"head", str()},
       {"samples", integer()},
       {"accuracy", real()},
       {"classes", array_of(ref("ClassMetrics"))},
       {"macro", all_required(with({{"classes", integer()}}, scores))},
       {"confusion_matrix",
        all_required({{"classes", array_of(str())}, {"counts", array_of(array_of(integer()))}})}});
  // Infinite thresholds (the ROC curve's first point) are written as null.
  json roc = all_required(
      {{"threshold", array_of(real())}, {"fpr", array_of(number())}, {"tpr", array_of(number())}});
  json pr = all_required({{"threshold", array_of(real())},
                          {"precision", array_of(number())},
                          {"recall", array_of(number())}});
  return {
      {"LabelMetrics", label},
      {"ClassMetrics",
       all_required(
           with({{"name", str()}, {"support", integer()}, {"predicted", integer()}}, scores))},
      {"MultiLabelHeadMetrics", multi},
      {"SingleLabelHeadMetrics", single},
      // A head none of the validation samples carries.
      {"EmptyHeadMetrics", all_required({{"head", str()}, {"samples", constant_int(0)}})},
      {"RocCurve", roc},
      {"PrCurve", pr},
      {"ModelMetrics",
       all_required({{"model", str()},
                     {"job", str()},
                     {"samples", integer()},
                     {"heads", array_of({{"anyOf", json::array({ref("MultiLabelHeadMetrics"),
                                                                ref("SingleLabelHeadMetrics"),
                                                                ref("EmptyHeadMetrics")})}})},
                     // "<head>/<label>" -> its curves (null when the label has one class only)
                     {"curves", map_of(all_required({{"roc", nullable(ref("RocCurve"))},
                                                     {"pr", nullable(ref("PrCurve"))}}))}})},
  };
}

// The service routes (routes_winnow.cc add_service_routes, info).
json service_schemas() {
  return {
      {"ServerInfo", all_required({{"version", str()}, {"auth_required", boolean()}})},
      {"Health", all_required({{"status", constant("ok")}})},
      {"OpenApiDocument", object({{"openapi", str()},
                                  {"info", {{"type", "object"}}},
                                  {"paths", {{"type", "object"}}},
                                  {"components", {{"type", "object"}}}},
                                 {"openapi", "info", "paths", "components"})},
      {"PrometheusText", str()},
      {"FileBytes", {{"type", "string"}, {"format", "binary"}}},
  };
}

json component_schemas() {
  json schemas = json::object();
  for (const json& group :
       {file_schemas(), job_schemas(), model_schemas(), classify_schemas(), metrics_schemas(),
        bias_audit_schemas(), service_schemas(), error_schemas()}) {
    schemas.update(group);
  }
  return schemas;
}

json error_response(const char* description, json schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

// The error answers of one route: what the dispatcher can answer on any route (server.h: a
// malformed or oversized body, no such record, a handler failure, an unavailable store), 401
// where a key is needed, 422 where a body, a path or a query is read (the array form, or a
// string detail for a semantic rejection, spec §1.5), and the route's own (RouteSpec::errors).
json error_responses(const RouteSpec& spec) {
  json out;
  out["400"] = error_response("Malformed request body, or the record's state does not allow this",
                              ref("Error"));
  out["404"] = error_response("Not found", ref("Error"));
  out["413"] = error_response("Request body too large", ref("Error"));
  if (spec.body != BodyKind::kNone || spec.pattern.find('{') != std::string::npos ||
      spec.method == "GET") {
    out["422"] = error_response("Invalid request",
                                {{"anyOf", json::array({ref("ValidationError"), ref("Error")})}});
  }
  out["500"] = error_response("Internal error (the cause is in the server's log)", ref("Error"));
  out["503"] = error_response("Temporarily unavailable", ref("Error"));
  if (spec.auth) out["401"] = error_response("Missing or unknown API key", ref("Unauthorized"));
  if (spec.method != "GET")
    out["507"] = error_response("Insufficient storage (a full disk)", ref("Error"));
  for (const int status : spec.errors) {
    const char* what = status == 403   ? "Invalid or expired signature"
                       : status == 409 ? "Conflict with the current state"
                       : status == 416 ? "Range not satisfiable"
                       : status == 507 ? "Insufficient storage"
                                       : "Error";
    out[std::to_string(status)] = error_response(what, ref("Error"));
  }
  return out;
}

}  // namespace

json schema_ref(const char* name) {
  return {{"$ref", std::string("#/components/schemas/") + name}};
}

json openapi_document(const Router& router, const std::string& version) {
  json paths = json::object();
  for (const auto& route : router.routes()) {
    const RouteSpec& spec = route->spec;
    json op;
    op["summary"] = spec.summary;
    op["tags"] = json::array({spec.tag});
    op["operationId"] = spec.method + " " + spec.pattern;
    json params = json::array();
    for (const std::string& seg : route->segments) {
      if (seg.size() > 2 && seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
      }
    }
    if (!params.empty()) op["parameters"] = params;
    if (spec.body == BodyKind::kJson) {
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/json",
             {{"schema", spec.request_schema.is_null() ? json::object() : spec.request_schema}}}}}};
    } else if (spec.body == BodyKind::kMultipart) {
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"multipart/form-data",
             {{"schema", object({{"file", {{"type", "string"}, {"format", "binary"}}},
                                 {"purpose", str()},
                                 {"visibility", str()},
                                 {"expiry", integer()}},
                                {"file"})}}}}}};
    }
    op["responses"] = error_responses(spec);
    json ok = {{"description", "OK"}};
    ok["content"][spec.response_type] = {
        {"schema", spec.response_schema.is_null() ? json::object() : spec.response_schema}};
    op["responses"]["200"] = ok;
    op["security"] = spec.auth ? json::array({{{"bearerAuth", json::array()}}}) : json::array();
    std::string method = spec.method;
    for (char& ch : method) ch = static_cast<char>(ch - 'A' + 'a');
    paths[spec.pattern][method] = std::move(op);
  }
  json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "Winnow API"},
                 {"version", version},
                 {"description",
                  "Mistral-compatible classifier factory API (files, fine-tuning jobs, models, "
                  "classifiers) plus Winnow's /v1/winnow extensions. See docs/api.md."}};
  doc["paths"] = std::move(paths);
  doc["components"]["schemas"] = component_schemas();
  doc["components"]["securitySchemes"]["bearerAuth"] = {{"type", "http"}, {"scheme", "bearer"}};
  return doc;
}

}  // namespace winnow::api
