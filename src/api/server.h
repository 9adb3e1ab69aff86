// `winnow serve`'s HTTP server: the Mistral-compatible API (docs/api.md) on cpp-httplib, over
// the store (src/store) and the job service (src/jobs).
//
// Every request goes through one dispatcher: route match (404 {"detail":"Not Found"} / 405),
// auth (401 {"message":"Unauthorized","request_id"}), body limits (413) and JSON parsing (422),
// the handler (exceptions become 500 {"detail":"Internal Server Error"} with the cause logged),
// then one access-log line on stderr (never the API key) and the /metrics counters.
//
// Lifetime: create() opens the store and prepares everything; bind() picks the port; start()
// recovers and starts the job workers; run() serves until stop() (callable from any thread).
#pragma once

#include <memory>
#include <string>

#include "api/server_options.h"
#include "core/status.h"

namespace winnow::api {

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 = any free port). Errors: kUnavailable naming the address.
  Status bind();
  int port() const;
  // Job recovery and workers.
  Status start_jobs();
  // Serves until stop(); returns when the listener closed.
  void run();
  // Stops accepting, finishes in-flight requests, stops the job workers. Thread-safe.
  void stop();
  // Re-reads options.keys_file (if set). Errors leave the old keys in place.
  Status reload_keys();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace winnow::api
