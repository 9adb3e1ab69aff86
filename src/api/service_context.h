// What route handlers share: the options, the store, the job service, the model cache, the URL
// signer and the router (for the OpenAPI document). Owned by Server; every member is
// thread-safe to use from handlers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "api/model_cache.h"
#include "api/router.h"
#include "api/server_options.h"
#include "api/url_signer.h"
#include "jobs/job_service.h"
#include "store/store.h"

namespace winnow::api {

struct ServiceContext {
  const ServerOptions& options;
  store::Store& store;
  jobs::JobService& jobs;
  ModelCache& models;
  const UrlSigner& signer;
  const Router& router;
  int64_t started_at = 0;                        // epoch s; "created" of base model cards
  std::function<std::string()> prometheus_text;  // /metrics body
  // Logs an internal error of request `request_id` (never shown to the client).
  std::function<void(const std::string& request_id, const std::string& message)> log_error;
};

// Answers a Status with the right code and body (responses.h), logging 5xx causes.
void send_error(ServiceContext& ctx, ApiCall& call, const Status& status);

// Route groups; each adds its routes to `router` (handlers keep a reference to ctx).
void add_file_routes(Router& router, ServiceContext& ctx);
void add_job_routes(Router& router, ServiceContext& ctx);
void add_model_routes(Router& router, ServiceContext& ctx);
void add_classify_routes(Router& router, ServiceContext& ctx);
void add_winnow_routes(Router& router, ServiceContext& ctx);
void add_service_routes(Router& router, ServiceContext& ctx);  // health, metrics, openapi

}  // namespace winnow::api
