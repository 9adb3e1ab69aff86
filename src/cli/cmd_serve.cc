// `winnow serve`: the Mistral-compatible HTTP API (docs/api.md) over a data directory.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/auth.h"
#include "api/server.h"
#include "cli/commands.h"
#include "model/architecture.h"
#include "store/pg_connection.h"

namespace winnow::cli {
namespace {

// The thread that takes signals with sigwait. Threads that a library started before run_serve
// blocked the signals (OpenBLAS's pool starts when it loads) could still receive a
// process-directed SIGTERM, whose default action would kill the process: forward_signal, the
// handler installed for them, passes the signal on to this thread (pthread_kill is
// async-signal-safe), where it stays pending until sigwait takes it.
std::atomic<pthread_t> g_signal_thread{0};

void forward_signal(int sig) {
  const pthread_t t = g_signal_thread.load();
  if (t != 0) pthread_kill(t, sig);
}

void set_signal_handlers(void (*handler)(int)) {
  struct sigaction sa = {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

struct ServeArgs {
  api::ServerOptions options;
  std::vector<std::string> keys;
  std::string keys_file;
  bool no_auth = false;
  size_t max_upload_mb = 512;
  size_t max_json_body_mb = 32;
};

// The built dashboard beside the binary: <repo>/web/dist for build/winnow, or
// <prefix>/share/winnow/web for an installed <prefix>/bin/winnow. Empty if none exists.
std::string default_web_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const std::filesystem::path dir = exe.parent_path();
  for (const std::filesystem::path& candidate :
       {dir / ".." / "web" / "dist", dir / ".." / "share" / "winnow" / "web", dir / "web"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", ec)) {
      return std::filesystem::weakly_canonical(candidate, ec).string();
    }
  }
  return {};
}

int run_serve(ServeArgs& args) {
  constexpr std::string_view kCommand = "serve";
  api::ServerOptions& o = args.options;
  if (find_architecture(o.default_architecture) == nullptr) {
    return usage_error(kCommand, "--default-architecture: unknown architecture '" +
                                     o.default_architecture + "' (known: " + architecture_names() +
                                     ")");
  }
  for (const std::string& k : args.keys) {
    if (k.empty()) return usage_error(kCommand, "--api-key must not be empty");
    o.keys.push_back(api::ApiKey{k, "default"});
  }
  if (const char* env = std::getenv("WINNOW_API_KEYS"); env != nullptr) {
    for (api::ApiKey& k : api::api_keys_from_list(env)) o.keys.push_back(std::move(k));
  }
  o.keys_file = args.keys_file;
  if (args.no_auth) {
    if (!args.keys.empty() || !args.keys_file.empty()) {
      return usage_error(kCommand,
                         "--no-auth cannot be combined with --api-key or --api-keys-file");
    }
    o.require_auth = false;
    o.keys.clear();
  } else if (o.keys.empty() && o.keys_file.empty()) {
    return usage_error(kCommand,
                       "no API key configured: pass --api-key KEY (repeatable), --api-keys-file "
                       "FILE or set WINNOW_API_KEYS=key1,key2; or --no-auth to accept every "
                       "request (local development only)");
  }
  if (o.store_url.empty()) {
    if (const char* env = std::getenv("WINNOW_STORE"); env != nullptr) o.store_url = env;
  }
  if (!o.store_url.empty()) {
    // Refused before anything starts (exit 2), naming the URL without its password.
    if (Status s = store::check_postgres_url(o.store_url); !s.is_ok()) {
      return usage_error(kCommand, "--store / WINNOW_STORE: " + s.message());
    }
  }
  o.max_upload_bytes = args.max_upload_mb << 20;
  o.max_json_body_bytes = args.max_json_body_mb << 20;
  if (o.web_dir.empty()) o.web_dir = default_web_dir();

  // Signals are taken by one thread with sigwait; every other thread inherits the block.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Result<std::unique_ptr<api::Server>> created = api::Server::create(o);
  if (!created.is_ok()) {
    // A database that cannot be reached at start is a wrong --store, like a malformed one.
    if (!o.store_url.empty() && created.status().code() == StatusCode::kUnavailable) {
      return usage_error(kCommand, "--store / WINNOW_STORE: " + created.status().message());
    }
    return report_error(kCommand, created.status());
  }
  api::Server& server = **created;
  if (Status s = server.bind(); !s.is_ok()) return report_error(kCommand, s);
  if (Status s = server.start_jobs(); !s.is_ok()) return report_error(kCommand, s);

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        Status s = server.reload_keys();
        std::fprintf(
            stderr, "winnow serve: %s\n",
            s.is_ok() ? "API keys reloaded" : ("keeping the old API keys: " + s.message()).c_str());
        continue;
      }
      stopping = true;
      server.stop();
      return;
    }
  });

  g_signal_thread = signal_thread.native_handle();
  set_signal_handlers(forward_signal);

  std::printf("winnow serve: listening on http://%s:%d\n", o.host.c_str(), server.port());
  std::fflush(stdout);
  if (!stopping) server.run();
  if (!stopping) {
    // The listener ended by itself: wake the signal thread so it can be joined.
    stopping = true;
    ::kill(::getpid(), SIGTERM);
  }
  signal_thread.join();
  set_signal_handlers(SIG_DFL);
  g_signal_thread = 0;
  server.stop();
  std::fprintf(stderr, "winnow serve: stopped\n");
  return kExitOk;
}

}  // namespace

CommandAction register_serve(CLI::App& root) {
  auto args = std::make_shared<ServeArgs>();
  api::ServerOptions& o = args->options;
  CLI::App* cmd = root.add_subcommand(
      "serve",
      "Serve the Mistral-compatible classifier API (files, fine-tuning jobs, models, "
      "classifications) and the dashboard");
  cmd->add_option("--data-dir", o.data_dir,
                  "Where the database (unless --store), uploads and models live")
      ->capture_default_str();
  cmd->add_option("--store", o.store_url,
                  "Keep the records in PostgreSQL: postgresql://USER[:PASSWORD]@HOST:PORT/DB "
                  "(default: SQLite in --data-dir; env WINNOW_STORE). Blobs stay in --data-dir");
  cmd->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o.port, "Port (0 = any free port; the listening line tells which)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--api-key", args->keys, "An accepted API key (repeatable; workspace 'default')");
  cmd->add_option("--api-keys-file", args->keys_file,
                  "File of accepted keys, one per line: KEY [WORKSPACE]; '#' comments; re-read on "
                  "SIGHUP")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-auth", args->no_auth, "Accept requests without a key (development only)");
  cmd->add_option("--workers", o.workers, "Jobs validated/trained at the same time")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--default-architecture", o.default_architecture,
                  "Architecture that Mistral's base model names (ministral-3b-latest, ...) "
                  "stand for: " +
                      architecture_names())
      ->capture_default_str();
  cmd->add_option("--train-threads", o.train_threads, "Threads per training run (0 = all)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->add_option("--web-dir", o.web_dir,
                  "Built dashboard to serve at / (default: web/dist beside the binary, if built)");
  cmd->add_option("--max-upload-mb", args->max_upload_mb, "Largest uploaded file, MiB")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--max-body-mb", args->max_json_body_mb, "Largest JSON request body, MiB")
      ->check(CLI::Range(size_t{1}, size_t{4096}))
      ->capture_default_str();
  cmd->add_option("--max-inputs", o.max_inputs_per_classification,
                  "Most inputs in one classification or moderation request")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--max-cached-models", o.max_cached_models, "Models kept loaded (LRU)")
      ->check(CLI::Range(size_t{1}, size_t{4096}))
      ->capture_default_str();
  cmd->add_option("--request-timeout", o.request_timeout_s,
                  "Seconds a socket read or write may take")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--http-threads", o.thread_pool_size,
                  "HTTP worker threads; each keep-alive connection holds one while open")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--keep-alive-max", o.keep_alive_max_count, "Requests per keep-alive connection")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  cmd->add_option("--keep-alive-timeout", o.keep_alive_timeout_s,
                  "Idle seconds before a keep-alive connection is closed")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_flag(
      "--no-access-log", [&o](int64_t) { o.access_log = false; },
      "Do not write the per-request JSON log lines on stderr");
  cmd->footer(
      "Prints 'winnow serve: listening on http://HOST:PORT' on stdout once it accepts "
      "connections. SIGINT/SIGTERM stop it (exit 0); SIGHUP re-reads --api-keys-file.\n"
      "Exit status: 0 stopped cleanly, 1 could not start (data directory, port), 2 usage error "
      "(including a malformed or unreachable --store).");
  return [args]() { return run_serve(*args); };
}

}  // namespace winnow::cli
