#include "api/server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "api/auth.h"
#include "api/error_texts.h"
#include "api/line_writer.h"
#include "api/request_metrics.h"
#include "api/response_recorder.h"
#include "api/responses.h"
#include "api/router.h"
#include "api/service_context.h"
#include "api/static_files.h"

namespace winnow::api {

// httplib's compiled listen backlog is 5: too few for many clients connecting at once. (Not in
// the anonymous namespace: Server::Impl, a named class, holds one.)
class HttpServer : public httplib::Server {
 public:
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

namespace {

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// Deepest nesting of arrays and objects in a JSON text (brackets inside strings ignored).
constexpr size_t kMaxJsonDepth = 256;
size_t json_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

void send_error(ServiceContext& ctx, ApiCall& call, const Status& status) {
  const std::string log = send_status(call.response, status);
  if (!log.empty() && ctx.log_error) ctx.log_error(call.request_id, log);
}

struct Server::Impl {
  // First member, so it is destroyed last: everything else may still log while it goes away.
  LineWriter log_writer{stderr};
  ServerOptions options;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<jobs::JobService> jobs;
  std::unique_ptr<ModelCache> models;
  std::unique_ptr<UrlSigner> signer;
  ApiKeyTable keys{{}};
  Router router;
  std::unique_ptr<ServiceContext> ctx;
  std::unique_ptr<RequestMetrics> metrics;
  size_t slot_unmatched = 0, slot_static = 0;
  std::unique_ptr<StaticFiles> web;
  std::unique_ptr<ResponseRecorder> recorder;  // null unless WINNOW_RECORD_RESPONSES is set
  HttpServer http;
  int bound_port = -1;
  bool jobs_started = false;

  void log_line(const std::string& line) { log_writer.append(line); }

  void log_error(const std::string& request_id, const std::string& message) {
    nlohmann::ordered_json j;
    j["time"] = utc_timestamp();
    j["level"] = "error";
    j["request_id"] = request_id;
    j["error"] = message;
    log_line(dump_json(j) + "\n");
  }

  void access_log(const httplib::Request& req, const std::string& route, int status, double ms,
                  const std::string& request_id, const std::string& workspace) {
    if (!options.access_log) return;
    nlohmann::ordered_json j;
    j["time"] = utc_timestamp();
    j["method"] = req.method;
    j["route"] = route;
    j["status"] = status;
    j["ms"] = static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000;
    j["request_id"] = request_id;
    if (!workspace.empty()) j["workspace"] = workspace;
    log_line(dump_json(j) + "\n");
  }

  void unauthorized(httplib::Response& res, const std::string& request_id) {
    nlohmann::ordered_json j;
    j["message"] = kUnauthorizedText;
    j["request_id"] = request_id;
    send_json(res, 401, j);
  }

  // How reading a request body ended. kUnreadable: the transport failed before the announced end
  // (bad chunked framing, a malformed multipart body, a client that stopped sending) -- a 400, not
  // a 413, since nothing says the body was too large.
  enum class BodyRead { kOk, kTooLarge, kUnreadable };

  // Reads (and drops) whatever body came with a request whose route takes none.
  static BodyRead drain_body(const httplib::Request& req, const httplib::ContentReader* reader,
                             size_t limit) {
    if (reader == nullptr) return req.body.size() <= limit ? BodyRead::kOk : BodyRead::kTooLarge;
    if (!announces_body(req)) return BodyRead::kOk;
    size_t total = 0;
    auto count = [&](const char*, size_t n) {
      total += n;
      return total <= limit;
    };
    const bool ok = req.is_multipart_form_data()
                        ? (*reader)([](const httplib::MultipartFormData&) { return true; }, count)
                        : (*reader)(count);
    if (total > limit) return BodyRead::kTooLarge;
    return ok ? BodyRead::kOk : BodyRead::kUnreadable;
  }

  // The body of a JSON route, at most `limit` bytes.
  static BodyRead read_body(const httplib::Request& req, const httplib::ContentReader* reader,
                            size_t limit, std::string* body) {
    if (reader == nullptr) {
      *body = req.body;
      return body->size() <= limit ? BodyRead::kOk : BodyRead::kTooLarge;
    }
    if (!announces_body(req)) return BodyRead::kOk;
    if (req.is_multipart_form_data()) return drain_body(req, reader, limit);
    bool too_large = false;
    const bool ok = (*reader)([&](const char* data, size_t n) {
      if (body->size() + n > limit) {
        too_large = true;
        return false;
      }
      body->append(data, n);
      return true;
    });
    if (too_large) return BodyRead::kTooLarge;
    return ok ? BodyRead::kOk : BodyRead::kUnreadable;
  }

  // Answers a body that could not be read whole; the connection closes since its framing is lost.
  static void refuse_body(httplib::Response& res, BodyRead outcome, size_t limit) {
    res.set_header("Connection", "close");
    if (outcome == BodyRead::kTooLarge) {
      send_detail(res, 413, body_too_large_text(limit));
    } else {
      send_detail(res, 400, kMalformedBodyText);
    }
  }

  void dispatch(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string request_id = random_hex_id();
    const auto [raw_path, raw_query] = split_target(req.target);
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    RouteMatch m = router.match(method, raw_path);
    size_t slot = slot_unmatched;
    std::string route_name = "unmatched";
    std::string workspace;
    if (m.route != nullptr) {
      slot = m.route->index;
      route_name = m.route->spec.pattern;
      workspace = handle_route(req, res, reader, m, raw_query, request_id);
    } else if (method == "GET" && !raw_path.starts_with("/v1/") && web != nullptr) {
      slot = slot_static;
      route_name = "static";
      web->serve(std::string(raw_path), res);
    } else if (m.path_known) {
      if (drain_body(req, reader, options.max_json_body_bytes) != BodyRead::kOk) {
        res.set_header("Connection", "close");  // the body's framing is lost
      }
      std::string allow;
      for (const std::string& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
      res.set_header("Allow", allow);
      send_detail(res, 405, kMethodNotAllowedText);
    } else {
      if (drain_body(req, reader, options.max_json_body_bytes) != BodyRead::kOk) {
        res.set_header("Connection", "close");  // the body's framing is lost
      }
      send_detail(res, 404, kNotFoundText);
    }
    res.set_header("X-Request-Id", request_id);
    if (recorder != nullptr && route_name != "static") {
      recorder->record(req.method, m.route != nullptr ? std::string_view(route_name) : "", res);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metrics->record(slot, res.status, seconds);
    access_log(req, route_name, res.status, seconds * 1000, request_id, workspace);
  }

  // Auth, body, handler. Returns the workspace acted in (for the log).
  std::string handle_route(const httplib::Request& req, httplib::Response& res,
                           const httplib::ContentReader* reader, RouteMatch& m,
                           std::string_view raw_query, const std::string& request_id) {
    const RouteSpec& spec = m.route->spec;
    QueryParams query(raw_query);
    std::string workspace = "default";
    // A signed download (F6) authenticates by its signature instead of a key.
    const bool signed_download =
        spec.pattern == "/v1/files/{file_id}/content" && query.has("sig") && query.has("expires");
    if (signed_download) {
      workspace = query.get("ws").value_or("default");
    } else if (spec.auth && options.require_auth) {
      std::optional<std::string> ws = keys.authenticate(req.get_header_value("Authorization"));
      if (!ws) {
        if (drain_body(req, reader, options.max_json_body_bytes) != BodyRead::kOk) {
          res.set_header("Connection", "close");  // the body's framing is lost
        }
        unauthorized(res, request_id);
        return {};
      }
      workspace = std::move(*ws);
    }

    ApiCall call{req,     res,   request_id, workspace, std::move(m.params), std::move(query),
                 nullptr, reader};
    if (spec.body == BodyKind::kJson) {
      std::string body;
      if (BodyRead r = read_body(req, reader, options.max_json_body_bytes, &body);
          r != BodyRead::kOk) {
        refuse_body(res, r, options.max_json_body_bytes);
        return workspace;
      }
      // Copying or printing a JSON value recurses once per nesting level: a deeply nested body
      // (e.g. 100,000 '[') would overflow the thread's stack, so it is refused unparsed.
      nlohmann::json parsed =
          json_depth(body) > kMaxJsonDepth
              ? nlohmann::json(nlohmann::json::value_t::discarded)
              : nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) {
        FieldErrors errors;
        errors.add("json_invalid", nlohmann::json::array({"body", 0}), "JSON decode error");
        errors.send(res);
        return workspace;
      }
      if (!parsed.is_object()) {
        FieldErrors errors;
        errors.wrong_type(JsonType::kObject, nlohmann::json::array({"body"}), parsed);
        errors.send(res);
        return workspace;
      }
      call.body = std::move(parsed);
    } else if (spec.body == BodyKind::kNone) {
      if (BodyRead r = drain_body(req, reader, options.max_json_body_bytes); r != BodyRead::kOk) {
        refuse_body(res, r, options.max_json_body_bytes);
        return workspace;
      }
    }

    try {
      m.route->handler(call);
    } catch (const std::exception& e) {
      log_error(request_id, std::string("handler threw: ") + e.what());
      res.headers.erase("Content-Disposition");
      res.content_length_ = 0;
      res.content_provider_ = nullptr;
      send_detail(res, 500, kInternalErrorText);
    } catch (...) {
      log_error(request_id, "handler threw a non-standard exception");
      res.content_length_ = 0;
      res.content_provider_ = nullptr;
      send_detail(res, 500, kInternalErrorText);
    }
    if (res.status < 0) {
      log_error(request_id, "handler left no answer");
      send_detail(res, 500, kInternalErrorText);
    }
    return workspace;
  }

  void install_http() {
    http.new_task_queue = [n = options.thread_pool_size] {
      return new httplib::ThreadPool(static_cast<size_t>(n > 0 ? n : 64));
    };
    http.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options.keep_alive_max_count)));
    http.set_keep_alive_timeout(std::max(1, options.keep_alive_timeout_s));
    http.set_read_timeout(std::max(1, options.request_timeout_s), 0);
    http.set_write_timeout(std::max(1, options.request_timeout_s), 0);
    http.set_tcp_nodelay(true);
    // Our own checks answer 413 in the API's shape; this is the transport's last resort.
    http.set_payload_max_length(std::max(options.max_upload_bytes, options.max_json_body_bytes) +
                                (size_t{4} << 20));
    auto plain = [this](const httplib::Request& req, httplib::Response& res) {
      dispatch(req, res, nullptr);
    };
    auto with_reader = [this](const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) {
      dispatch(req, res, &reader);
    };
    http.Get(".*", plain);
    http.Options(".*", plain);
    http.Post(".*", httplib::Server::HandlerWithContentReader(with_reader));
    http.Put(".*", httplib::Server::HandlerWithContentReader(with_reader));
    http.Patch(".*", httplib::Server::HandlerWithContentReader(with_reader));
    http.Delete(".*", httplib::Server::HandlerWithContentReader(with_reader));
    // Transport-level errors (malformed request line, oversized headers, ...) still answer in
    // the API's error shape; answers our dispatcher wrote keep their body.
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty() || res.content_length_ > 0)
            return httplib::Server::HandlerResponse::Unhandled;
          send_detail(res, res.status, transport_error_text(res.status));
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [this](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown exception";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          log_error("-", "transport exception: " + what);
          send_detail(res, 500, kInternalErrorText);
        });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::create(ServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  const ServerOptions& o = impl->options;
  std::vector<ApiKey> keys = o.keys;
  if (!o.keys_file.empty()) {
    WINNOW_ASSIGN_OR_RETURN(std::vector<ApiKey> from_file, read_api_keys_file(o.keys_file));
    keys.insert(keys.end(), from_file.begin(), from_file.end());
  }
  if (o.require_auth && keys.empty()) {
    return Status::invalid_argument("auth is required but no API key is configured");
  }
  impl->keys.replace(keys);

  store::StoreOptions store_options;
  store_options.data_dir = o.data_dir;
  store_options.store_url = o.store_url;
  store_options.io = o.store_io;
  WINNOW_ASSIGN_OR_RETURN(impl->store, store::Store::open(store_options));
  jobs::JobServiceOptions job_options;
  job_options.workers = o.workers;
  job_options.train_threads = o.train_threads;
  job_options.default_architecture = o.default_architecture;
  impl->jobs = std::make_unique<jobs::JobService>(*impl->store, job_options);
  impl->models = std::make_unique<ModelCache>(o.max_cached_models);
  {
    // Uploads in flight when a previous server stopped are incomplete: drop them.
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(o.data_dir) / "upload-tmp", ec);
  }
  WINNOW_ASSIGN_OR_RETURN(UrlSigner signer, UrlSigner::open(o.data_dir));
  impl->signer = std::make_unique<UrlSigner>(std::move(signer));
  WINNOW_ASSIGN_OR_RETURN(impl->recorder, ResponseRecorder::from_environment());
  if (!o.web_dir.empty())
    impl->web = std::make_unique<StaticFiles>(o.web_dir);
  else
    impl->web = std::make_unique<StaticFiles>("");

  Impl* p = impl.get();
  impl->ctx = std::unique_ptr<ServiceContext>(
      new ServiceContext{p->options, *p->store, *p->jobs, *p->models, *p->signer, p->router,
                         static_cast<int64_t>(std::time(nullptr)), nullptr, nullptr});
  impl->ctx->log_error = [p](const std::string& id, const std::string& message) {
    p->log_error(id, message);
  };
  impl->ctx->prometheus_text = [p] {
    std::string out = p->metrics->prometheus();
    out += "# HELP winnow_jobs Fine-tuning jobs by status (all workspaces).\n";
    out += "# TYPE winnow_jobs gauge\n";
    for (const auto& [status, count] : p->jobs->jobs_by_status()) {
      out += "winnow_jobs{status=\"" + status + "\"} " + std::to_string(count) + "\n";
    }
    out +=
        "# HELP winnow_model_cache_hits_total Classification model lookups served from the "
        "cache.\n";
    out += "# TYPE winnow_model_cache_hits_total counter\n";
    out += "winnow_model_cache_hits_total " + std::to_string(p->models->hits()) + "\n";
    out += "# HELP winnow_model_cache_misses_total Model lookups that loaded a model file.\n";
    out += "# TYPE winnow_model_cache_misses_total counter\n";
    out += "winnow_model_cache_misses_total " + std::to_string(p->models->misses()) + "\n";
    out += "# HELP winnow_model_cache_evictions_total Models dropped to stay within capacity.\n";
    out += "# TYPE winnow_model_cache_evictions_total counter\n";
    out += "winnow_model_cache_evictions_total " + std::to_string(p->models->evictions()) + "\n";
    out += "# HELP winnow_model_cache_models Models loaded now.\n";
    out += "# TYPE winnow_model_cache_models gauge\n";
    out += "winnow_model_cache_models " + std::to_string(p->models->size()) + "\n";
    return out;
  };

  add_file_routes(impl->router, *impl->ctx);
  add_job_routes(impl->router, *impl->ctx);
  add_model_routes(impl->router, *impl->ctx);
  add_classify_routes(impl->router, *impl->ctx);
  add_winnow_routes(impl->router, *impl->ctx);
  add_service_routes(impl->router, *impl->ctx);

  std::vector<RequestMetrics::Slot> slots;
  for (const auto& r : impl->router.routes()) slots.push_back({r->spec.method, r->spec.pattern});
  impl->slot_unmatched = slots.size();
  slots.push_back({"any", "unmatched"});
  impl->slot_static = slots.size();
  slots.push_back({"GET", "static"});
  impl->metrics = std::make_unique<RequestMetrics>(std::move(slots));
  impl->install_http();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::bind() {
  Impl& s = *impl_;
  if (s.options.port == 0) {
    s.bound_port = s.http.bind_to_any_port(s.options.host);
  } else {
    s.bound_port = s.http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.bound_port <= 0) {
    return Status::unavailable("cannot listen on " + s.options.host + ":" +
                               std::to_string(s.options.port) +
                               " (address in use, or not an address of this machine)");
  }
  s.http.widen_backlog();
  return Status::ok();
}

int Server::port() const { return impl_->bound_port; }

Status Server::start_jobs() {
  WINNOW_RETURN_IF_ERROR(impl_->jobs->start());
  impl_->jobs_started = true;
  return Status::ok();
}

void Server::run() { impl_->http.listen_after_bind(); }

void Server::stop() {
  if (!impl_) return;
  impl_->http.stop();
  if (impl_->jobs_started) {
    impl_->jobs->stop();
    impl_->jobs_started = false;
  }
  impl_->log_writer.flush();
}

Status Server::reload_keys() {
  if (impl_->options.keys_file.empty()) return Status::ok();
  WINNOW_ASSIGN_OR_RETURN(std::vector<ApiKey> keys, read_api_keys_file(impl_->options.keys_file));
  for (const ApiKey& k : impl_->options.keys) keys.push_back(k);  // command-line keys stay
  impl_->keys.replace(keys);
  return Status::ok();
}

}  // namespace winnow::api
