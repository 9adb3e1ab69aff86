// Models: M1 list, M2 retrieve, M3 delete, M4 update, M5 archive, M6 unarchive (docs/api.md).
#include "api/body_fields.h"
#include "api/error_texts.h"
#include "api/openapi.h"
#include "api/responses.h"
#include "api/service_context.h"
#include "api/wire_json.h"

namespace winnow::api {
namespace {

using nlohmann::json;

const jobs::BaseModel* find_base(ServiceContext& ctx, const std::string& id) {
  for (const jobs::BaseModel& b : ctx.jobs.base_models()) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

void list_models(ServiceContext& ctx, ApiCall& call) {
  const std::optional<std::string> filter = call.query.get("model");
  const std::optional<std::string> provider = call.query.get("provider");
  OrderedJson data = OrderedJson::array();
  if (!provider || provider->empty() || *provider == "mistralai") {
    for (const jobs::BaseModel& b : ctx.jobs.base_models()) {
      if (!filter || filter->empty() || *filter == b.id)
        data.push_back(base_model_card(b, ctx.started_at));
    }
    Result<std::vector<store::ModelRecord>> models = ctx.store.list_models(call.workspace);
    if (!models.is_ok()) return send_error(ctx, call, models.status());
    for (const store::ModelRecord& m : *models) {
      if (!filter || filter->empty() || *filter == m.id) data.push_back(fine_tuned_model_card(m));
    }
  }
  OrderedJson out;
  out["object"] = "list";
  out["data"] = std::move(data);
  send_json(call.response, 200, out);
}

void retrieve_model(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("model_id");
  if (const jobs::BaseModel* b = find_base(ctx, id)) {
    return send_json(call.response, 200, base_model_card(*b, ctx.started_at));
  }
  Result<store::ModelRecord> m = ctx.store.get_model(call.workspace, id);
  if (!m.is_ok()) return send_error(ctx, call, model_error(m.status()));
  send_json(call.response, 200, fine_tuned_model_card(*m));
}

void delete_model(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("model_id");
  if (find_base(ctx, id) != nullptr) {
    return send_detail(call.response, 400, "Base models cannot be deleted");
  }
  Status s = ctx.store.delete_model(call.workspace, id);
  if (!s.is_ok()) return send_error(ctx, call, model_error(s));
  ctx.models.invalidate(call.workspace, id);
  OrderedJson out;
  out["id"] = id;
  out["object"] = "model";
  out["deleted"] = true;
  send_json(call.response, 200, out);
}

void update_model(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("model_id");
  if (find_base(ctx, id) != nullptr) {
    return send_detail(call.response, 400, "Base models cannot be updated");
  }
  FieldErrors errors;
  const auto name = clearable_string_field(call.body, "name", body_loc({"name"}), &errors);
  const auto description =
      clearable_string_field(call.body, "description", body_loc({"description"}), &errors);
  if (!errors.empty()) return errors.send(call.response);
  Result<store::ModelRecord> m = ctx.store.update_model(call.workspace, id, name, description);
  if (!m.is_ok()) return send_error(ctx, call, model_error(m.status()));
  send_json(call.response, 200, classifier_fine_tuned_model(*m));
}

void set_archived(ServiceContext& ctx, ApiCall& call, bool archived) {
  const std::string& id = call.param("model_id");
  if (find_base(ctx, id) != nullptr) {
    return send_detail(call.response, 400, "Base models cannot be archived");
  }
  Result<store::ModelRecord> m = ctx.store.set_model_archived(call.workspace, id, archived);
  if (!m.is_ok()) return send_error(ctx, call, model_error(m.status()));
  OrderedJson out;
  out["id"] = m->id;
  out["object"] = "model";
  out["archived"] = m->archived;
  send_json(call.response, 200, out);
}

}  // namespace

void add_model_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  router.add({"GET", "/v1/models", "List base and fine-tuned models (model, provider)", "models",
              true, BodyKind::kNone, nullptr, schema_ref("ModelList")},
             [c](ApiCall& call) { list_models(*c, call); });
  router.add({"GET", "/v1/models/{model_id}", "Retrieve a model card", "models", true,
              BodyKind::kNone, nullptr, schema_ref("ModelCard")},
             [c](ApiCall& call) { retrieve_model(*c, call); });
  router.add({"DELETE", "/v1/models/{model_id}", "Delete a fine-tuned model", "models", true,
              BodyKind::kNone, nullptr, schema_ref("Deleted")},
             [c](ApiCall& call) { delete_model(*c, call); });
  router.add({"PATCH", "/v1/fine_tuning/models/{model_id}",
              "Update a fine-tuned model's name and description", "models", true, BodyKind::kJson,
              schema_ref("UpdateModelIn"), schema_ref("ClassifierFineTunedModel")},
             [c](ApiCall& call) { update_model(*c, call); });
  router.add({"POST", "/v1/fine_tuning/models/{model_id}/archive", "Archive a fine-tuned model",
              "models", true, BodyKind::kNone, nullptr, schema_ref("ArchivedModel")},
             [c](ApiCall& call) { set_archived(*c, call, true); });
  router.add({"DELETE", "/v1/fine_tuning/models/{model_id}/archive", "Unarchive a fine-tuned model",
              "models", true, BodyKind::kNone, nullptr, schema_ref("ArchivedModel")},
             [c](ApiCall& call) { set_archived(*c, call, false); });
}

}  // namespace winnow::api
