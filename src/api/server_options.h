// Settings of `winnow serve` (src/api/server.h). Every limit is a named field with its default
// here; `winnow serve --help` lists the matching options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace winnow::store {
class FileIo;
}

namespace winnow::api {

// One accepted API key and the workspace its requests act in.
struct ApiKey {
  std::string key;
  std::string workspace = "default";
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port (Server::port() tells which)
  std::string data_dir = "winnow-data";
  // Where the records live (store::StoreOptions::store_url): empty = SQLite in data_dir;
  // "postgresql://USER@HOST:PORT/DB" = that database. Blobs, the URL-signing key and upload
  // temporaries stay in data_dir either way.
  std::string store_url;
  // Static dashboard files served at "/" without auth; empty or missing = a short text page.
  std::string web_dir;

  // Auth: with require_auth, every /v1 route except /v1/winnow/info and signed downloads needs
  // "Authorization: Bearer <key>" with one of `keys`. Without it, requests act in "default".
  bool require_auth = true;
  std::vector<ApiKey> keys;
  std::string keys_file;  // re-read on reload_keys() (SIGHUP in `winnow serve`) when set

  // Limits.
  size_t max_upload_bytes = size_t{512} << 20;    // one uploaded file (API F1: 512 MB)
  size_t max_json_body_bytes = size_t{32} << 20;  // a JSON request body
  size_t max_inputs_per_classification = 512;     // inputs in one classify/moderate call
  size_t max_cached_models = 8;                   // models kept loaded (LRU)
  int workers = 1;                                // jobs validated/trained at once
  int train_threads = 0;                          // threads per training run (0 = all)
  // What Mistral's base model names (ministral-3b-latest, ...) stand for: an architecture
  // of model/architecture.h.
  std::string default_architecture = "linear";
  int request_timeout_s = 300;       // socket read/write timeout
  int thread_pool_size = 64;         // HTTP threads: one per open connection
  int keep_alive_max_count = 10000;  // requests per keep-alive connection
  int keep_alive_timeout_s = 5;      // idle seconds before a connection closes

  bool access_log = true;  // one JSON line per request on stderr

  // The store's write path (store/file_io.h); null = the real file system. Tests pass a
  // FaultInjectingFileIo to fail writes under a running server; it must outlive the Server.
  store::FileIo* store_io = nullptr;
};

}  // namespace winnow::api
