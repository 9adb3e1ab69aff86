#include "api/openapi.h"

namespace winnow::api {
namespace {

using nlohmann::json;

json str() { return {{"type", "string"}}; }
json integer() { return {{"type", "integer"}}; }
json number() { return {{"type", "number"}}; }
json boolean() { return {{"type", "boolean"}}; }
json nullable(json t) { return {{"anyOf", json::array({std::move(t), {{"type", "null"}}})}}; }
json array_of(json t) { return {{"type", "array"}, {"items", std::move(t)}}; }
json object(json properties, json required = json::array()) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json error_schemas() {
  return {
      {"Error", object({{"detail", str()}}, {"detail"})},
      {"ValidationError",
       object({{"detail", array_of(object({{"type", str()},
                                           {"loc", array_of({{"anyOf", json::array({str(), integer()})}})},
                                           {"msg", str()},
                                           {"input", json::object()}},
                                          {"type", "loc", "msg"}))}},
              {"detail"})},
      {"Unauthorized", object({{"message", str()}, {"request_id", str()}}, {"message", "request_id"})},
  };
}

// One head's audit as eval/bias_audit_json.h writes it (docs/bias-audit.md).
json bias_audit_head_schema() {
  const json auc = nullable(number());
  json subgroup = object({{"name", str()},
                          {"size", integer()},
                          {"positives", integer()},
                          {"negatives", integer()},
                          {"unannotated", integer()},
                          {"subgroup_auc", auc},
                          {"bpsn_auc", auc},
                          {"bnsp_auc", auc},
                          {"undefined", {{"type", "object"}, {"additionalProperties", str()}}},
                          {"averaged", boolean()},
                          {"not_averaged_reason", nullable(str())}},
                         {"name", "size", "positives", "subgroup_auc", "bpsn_auc", "bnsp_auc",
                          "averaged", "not_averaged_reason"});
  json label = object({{"name", str()},
                       {"samples", integer()},
                       {"positives", integer()},
                       {"overall_auc", auc},
                       {"subgroups", array_of(std::move(subgroup))},
                       {"subgroups_averaged", integer()},
                       {"power_mean", object({{"subgroup_auc", auc}, {"bpsn_auc", auc}, {"bnsp_auc", auc}})},
                       {"final_metric", auc},
                       {"final_metric_note", nullable(str())}},
                      {"name", "samples", "positives", "overall_auc", "subgroups", "final_metric"});
  return object({{"head", str()},
                 {"samples", integer()},
                 {"identities", array_of(str())},
                 {"identity_threshold", number()},
                 {"min_subgroup_size", integer()},
                 {"power", number()},
                 {"weights", object({{"overall_auc", number()},
                                     {"subgroup_auc", number()},
                                     {"bpsn_auc", number()},
                                     {"bnsp_auc", number()}})},
                 {"labels", array_of(std::move(label))}},
                {"head", "samples", "identities", "min_subgroup_size", "labels"});
}

json component_schemas() {
  json file = object({{"id", {{"type", "string"}, {"format", "uuid"}}},
                      {"object", str()},
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
                     {"id", "object", "bytes", "created_at", "filename", "purpose", "sample_type", "source"});
  json hyper = object({{"training_steps", nullable(integer())},
                       {"learning_rate", number()},
                       {"weight_decay", nullable(number())},
                       {"warmup_fraction", nullable(number())},
                       {"epochs", nullable(number())},
                       {"seq_len", nullable(integer())}});
  json target = object({{"name", str()},
                        {"labels", array_of(str())},
                        {"weight", number()},
                        {"loss_function", {{"enum", json::array({"single_class", "multi_class"})}}}},
                       {"name", "labels", "weight", "loss_function"});
  json job = object({{"id", str()},
                     {"object", {{"const", "job"}}},
                     {"job_type", {{"const", "classifier"}}},
                     {"auto_start", boolean()},
                     {"model", str()},
                     {"status", {{"enum", json::array({"QUEUED", "STARTED", "VALIDATING", "VALIDATED", "RUNNING",
                                                       "FAILED_VALIDATION", "FAILED", "SUCCESS", "CANCELLED",
                                                       "CANCELLATION_REQUESTED"})}}},
                     {"created_at", integer()},
                     {"modified_at", integer()},
                     {"training_files", array_of(str())},
                     {"validation_files", nullable(array_of(str()))},
                     {"hyperparameters", {{"$ref", "#/components/schemas/Hyperparameters"}}},
                     {"fine_tuned_model", nullable(str())},
                     {"suffix", nullable(str())},
                     {"integrations", nullable(array_of(json::object()))},
                     {"trained_tokens", nullable(integer())},
                     {"metadata", nullable(json::object())}},
                    {"id", "auto_start", "model", "status", "job_type", "created_at", "modified_at",
                     "training_files", "hyperparameters"});
  json detailed = job;
  detailed["properties"]["classifier_targets"] = array_of({{"$ref", "#/components/schemas/ClassifierTarget"}});
  detailed["properties"]["events"] =
      array_of(object({{"name", str()}, {"data", nullable(json::object())}, {"created_at", integer()}}));
  detailed["properties"]["checkpoints"] = array_of(object(
      {{"metrics", object({{"train_loss", nullable(number())},
                           {"valid_loss", nullable(number())},
                           {"valid_mean_token_accuracy", nullable(number())},
                           {"valid_macro_roc_auc", nullable(number())}})},
       {"step_number", integer()},
       {"created_at", integer()}}));
  detailed["required"].push_back("classifier_targets");
  json card = object({{"id", str()},
                      {"object", str()},
                      {"created", integer()},
                      {"owned_by", str()},
                      {"type", {{"enum", json::array({"base", "fine-tuned"})}}},
                      {"capabilities", {{"type", "object"}, {"additionalProperties", boolean()}}},
                      {"name", nullable(str())},
                      {"description", nullable(str())},
                      {"max_context_length", integer()},
                      {"aliases", array_of(str())},
                      {"deprecation", nullable(str())},
                      {"job", str()},
                      {"root", str()},
                      {"archived", boolean()}},
                     {"id", "capabilities", "type"});
  json ft_model = card;
  ft_model["properties"]["workspace_id"] = str();
  ft_model["properties"]["root_version"] = str();
  ft_model["properties"]["classifier_targets"] = array_of({{"$ref", "#/components/schemas/ClassifierTarget"}});
  ft_model["properties"]["model_type"] = {{"const", "classifier"}};
  ft_model["required"] = {"id", "created", "owned_by", "workspace_id", "root", "root_version", "archived",
                          "capabilities", "classifier_targets", "model_type"};
  json message = object({{"role", str()}, {"content", {{"anyOf", json::array({str(), array_of(json::object())})}}}},
                        {"role"});
  json text_input = {{"anyOf", json::array({str(), array_of(str())})}};
  json schemas = {
      {"File", file},
      {"FileList", object({{"data", array_of({{"$ref", "#/components/schemas/File"}})},
                           {"object", str()},
                           {"total", nullable(integer())}},
                          {"data", "object"})},
      {"Deleted", object({{"id", str()}, {"object", str()}, {"deleted", boolean()}}, {"id", "object", "deleted"})},
      {"Hyperparameters", hyper},
      {"ClassifierTarget", target},
      {"Job", job},
      {"JobDetailed", detailed},
      {"JobList", object({{"data", array_of({{"$ref", "#/components/schemas/Job"}})},
                          {"object", str()},
                          {"total", integer()}},
                         {"data", "object", "total"})},
      {"JobIn", object({{"model", str()},
                        {"hyperparameters", {{"$ref", "#/components/schemas/Hyperparameters"}}},
                        {"training_files", array_of({{"anyOf", json::array({str(), object({{"file_id", str()},
                                                                                             {"weight", number()}},
                                                                                            {"file_id"})})}})},
                        {"validation_files", nullable(array_of(str()))},
                        {"job_type", nullable({{"enum", json::array({"classifier", "completion"})}})},
                        {"auto_start", boolean()},
                        {"invalid_sample_skip_percentage", number()},
                        {"suffix", nullable(str())},
                        {"integrations", nullable(array_of(json::object()))},
                        {"classifier_targets", nullable(array_of({{"$ref", "#/components/schemas/ClassifierTarget"}}))}},
                       {"model", "hyperparameters"})},
      {"ModelCard", card},
      {"ModelList", object({{"object", str()}, {"data", array_of({{"$ref", "#/components/schemas/ModelCard"}})}},
                           {"object", "data"})},
      {"UpdateModelIn", object({{"name", nullable(str())}, {"description", nullable(str())}})},
      {"ClassifierFineTunedModel", ft_model},
      {"ClassificationRequest", object({{"model", str()}, {"input", text_input}, {"metadata", nullable(json::object())},
                                        {"aggregate", {{"enum", json::array({"max", "mean"})}}}},
                                       {"model", "input"})},
      {"ChatClassificationRequest",
       object({{"model", str()},
               {"input", {{"anyOf", json::array({object({{"messages", array_of(message)}}, {"messages"}),
                                                 array_of(object({{"messages", array_of(message)}}, {"messages"}))})}}}},
              {"model", "input"})},
      {"ChatModerationRequest",
       object({{"model", str()},
               {"input", {{"anyOf", json::array({array_of(message), array_of(array_of(message))})}}}},
              {"model", "input"})},
      {"ClassificationResponse",
       object({{"id", str()},
               {"model", str()},
               {"results", array_of({{"type", "object"},
                                     {"additionalProperties",
                                      object({{"scores", {{"type", "object"}, {"additionalProperties", number()}}}})}})}},
              {"id", "model", "results"})},
      {"ModerationResponse",
       object({{"id", str()},
               {"model", str()},
               {"results", array_of(object({{"categories", {{"type", "object"}, {"additionalProperties", boolean()}}},
                                            {"category_scores", {{"type", "object"}, {"additionalProperties", number()}}}}))}},
              {"id", "model", "results"})},
      {"ExplainRequest",
       object({{"model", str()},
               {"input", text_input},
               {"top_k", integer()},
               {"labels", nullable(array_of(str()))},
               {"method", {{"enum", json::array({"auto", "exact", "occlusion"})}}},
               {"aggregate", {{"enum", json::array({"max", "mean"})}}}},
              {"model", "input"})},
      {"ExplainResponse",
       object({{"id", str()},
               {"model", str()},
               {"results",
                array_of(object({{"method", str()},
                                 {"chunks", integer()},
                                 {"labels",
                                  array_of(object({{"head", str()},
                                                   {"label", str()},
                                                   {"score", number()},
                                                   {"flagged", boolean()},
                                                   {"value", number()},
                                                   {"base", number()},
                                                   {"raised", array_of(object({{"start", integer()},
                                                                               {"end", integer()},
                                                                               {"text", str()},
                                                                               {"contribution", number()}}))},
                                                   {"lowered", array_of(json::object())}}))}}))}},
              {"id", "model", "results"})},
      {"FilePreview", object({{"lines", array_of(str())}, {"total_lines", integer()}}, {"lines", "total_lines"})},
      {"ValidationReport", object({{"problems", array_of(object({{"file", str()}, {"line", integer()}, {"message", str()}}))},
                                   {"valid", boolean()},
                                   {"files", array_of(json::object())},
                                   {"lines", integer()},
                                   {"samples", integer()},
                                   {"problem_count", integer()},
                                   {"heads", array_of(json::object())}},
                                  {"problems", "valid", "heads"})},
      {"LabelStats", object({{"head", str()}, {"safe_label", str()}, {"heads", array_of(str())},
                             {"splits", array_of(json::object())}})},
      {"ModelMetrics", object({{"model", str()}, {"heads", array_of(json::object())},
                               {"curves", {{"type", "object"}}}},
                              {"model", "heads", "curves"})},
      {"BiasAudit", object({{"model", str()}, {"job", str()},
                            {"bias_audit", array_of(bias_audit_head_schema())}},
                           {"model", "job", "bias_audit"})},
  };
  schemas.update(error_schemas());
  return schemas;
}

json error_response(const char* description, const char* schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", schema_ref(schema)}}}}}};
}

}  // namespace

json schema_ref(const char* name) { return {{"$ref", std::string("#/components/schemas/") + name}}; }

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
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", spec.request_schema.is_null()
                                                                            ? json::object()
                                                                            : spec.request_schema}}}}}};
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
    json ok = {{"description", "OK"}};
    ok["content"][spec.response_type] = {
        {"schema", spec.response_schema.is_null() ? json::object() : spec.response_schema}};
    op["responses"]["200"] = ok;
    op["responses"]["404"] = error_response("Not found", "Error");
    if (spec.body == BodyKind::kJson || spec.pattern.find("{") != std::string::npos ||
        spec.method == "GET") {
      op["responses"]["422"] = error_response("Invalid request", "ValidationError");
    }
    if (spec.auth) {
      op["security"] = json::array({{{"bearerAuth", json::array()}}});
      op["responses"]["401"] = error_response("Missing or unknown API key", "Unauthorized");
    } else {
      op["security"] = json::array();
    }
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
