// The service's persistent state: records in SQLite (WAL mode, <data_dir>/winnow.db) or in
// PostgreSQL (StoreOptions::store_url), with the same SQL and schema versions for both; blobs
// (uploaded files, model files) under <data_dir>/files and <data_dir>/models. Blob bytes are
// written to a temporary name, fsynced and renamed (and the directory fsynced) *before* the row
// that names them is committed, so every record the store returns has its bytes on disk, and a
// crash leaves at worst an orphan temporary file (removed by open()).
//
// Thread-safety: every method may be called from any thread (one connection guarded by a mutex,
// or one per thread: an implementation detail). Every read and write is scoped to a workspace;
// a record of another workspace is kNotFound.
//
// Errors: kNotFound (no such id in this workspace), kInvalidArgument (bad query values),
// kIoError (disk, with the path), kCorruption (database damaged), kFailedPrecondition (a
// mutation callback refused).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace winnow::store {

class FileIo;  // file_io.h: the write path, replaceable by a fault-injecting implementation

struct StoreOptions {
  std::string data_dir = "winnow-data";
  // Where the records live: empty = SQLite in <data_dir>/winnow.db; "postgresql://USER@HOST:
  // PORT/DB" = that PostgreSQL database (sql_engine.h). Blobs stay under data_dir either way
  // (docs/deployment.md: shared blobs are not built yet).
  std::string store_url;
  FileIo* io = nullptr;  // null = the real file system
  // Epoch seconds: record times and file expiry. Null = the wall clock; tests pass their own.
  std::function<int64_t()> clock;
};

struct FileQuery {
  int64_t page = 0;  // 0-based
  int64_t page_size = 100;
  std::optional<std::string> purpose;
  std::optional<std::string> search;                          // substring of the filename
  std::vector<std::string> sample_types, sources, mimetypes;  // empty = any
};

struct JobQuery {
  int64_t page = 0;
  int64_t page_size = 100;
  std::optional<std::string> model;
  std::optional<int64_t> created_after;   // inclusive, epoch s
  std::optional<int64_t> created_before;  // exclusive, epoch s
  std::optional<JobStatus> status;
  std::optional<std::string> suffix;
  std::optional<std::string> wandb_project, wandb_name;
};

template <typename T>
struct Page {
  std::vector<T> data;  // newest first
  int64_t total = 0;    // matching records before paging
};

class Store {
 public:
  // Creates the directory, database and schema as needed; removes leftover temporary blobs.
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& data_dir() const;
  // The write path every blob goes through (the options' FileIo, or the real file system).
  FileIo& io() const;

  // The store's clock (StoreOptions::clock), epoch seconds.
  int64_t now() const;

  // ---- files ----
  // A file whose expires_at has come (expires_at <= now()) is gone for every method below, as
  // if deleted: get/delete are kNotFound, lists and counts leave it out, dedup ignores it, a
  // job naming it is kNotFound. remove_expired_files() then deletes its record and bytes.

  // Stores `content` durably, then its record. `meta` gives filename, purpose, visibility,
  // expires_at; id, bytes, num_lines, signature and created_at are filled in. Uploading the same
  // filename and content again in a workspace returns the existing record (API F1 dedup).
  Result<FileRecord> add_file(FileRecord meta, std::string_view content);
  Result<FileRecord> get_file(std::string_view workspace, std::string_view id);
  Result<Page<FileRecord>> list_files(std::string_view workspace, const FileQuery& query);
  // Removes the record and its bytes. Jobs that use the file keep reading their own copy
  // (job_file_path), so a running job is not disturbed.
  Status delete_file(std::string_view workspace, std::string_view id);
  // Deletes every expired file of every workspace (records, then bytes; jobs keep their own
  // copies as with delete_file) and returns how many went.
  Result<int64_t> remove_expired_files();
  // Path of the stored bytes (for reading/streaming).
  std::string file_path(const FileRecord& file) const;
  // Path of a job's private copy of one of its files (made by create_job; a hard link).
  std::string job_file_path(std::string_view job_id, std::string_view file_id) const;

  // ---- jobs ----
  // Inserts a new job (status QUEUED, one QUEUED event) and links its files into the job's
  // directory. kNotFound if a file is not in the job's workspace.
  Result<JobRecord> create_job(JobRecord job);
  Result<JobRecord> get_job(std::string_view workspace, std::string_view id);
  // Workspace-free read (with events and checkpoints) for the job runner; kNotFound if absent.
  Result<JobRecord> load_job(std::string_view id);
  // Summaries: events and checkpoints left empty.
  Result<Page<JobRecord>> list_jobs(std::string_view workspace, const JobQuery& query);
  // Reads the job, calls `mutate` (which may refuse with a non-OK Status: nothing is written),
  // and writes the result, all in one transaction. Events that `mutate` appends are stored;
  // modified_at is set to now. Workspace-free: the job runner calls it.
  Result<JobRecord> update_job(std::string_view id,
                               const std::function<Status(JobRecord&)>& mutate);
  Status add_checkpoint(std::string_view job_id, const JobCheckpoint& checkpoint);
  // Ids of jobs in any of `statuses`, all workspaces, oldest first (queue order, recovery).
  Result<std::vector<std::string>> job_ids_with_status(const std::vector<JobStatus>& statuses);
  // A directory private to the job, for staging its model file.
  std::string job_dir(std::string_view job_id) const;
  // Removes the job's working copy: everything in job_dir() except its copies of `keep_file_ids`
  // (job_file_path), and the directory itself when nothing is kept. For a finished job only (the
  // caller makes sure nothing reads or writes the directory meanwhile); a missing directory or
  // file is fine, so it may be called again.
  Status release_job_files(std::string_view job_id, const std::vector<std::string>& keep_file_ids);
  // Jobs by status name ("QUEUED", ...) over all workspaces (for /metrics); statuses with no
  // job are absent.
  Result<std::map<std::string, int64_t>> count_jobs_by_status();

  // ---- models ----
  // Moves `staged_model_path` into the model store (rename + fsync), inserts the record and
  // applies `job_update` to its job, in one transaction (the model appears in /v1/models at
  // the moment the job shows SUCCESS).
  Result<ModelRecord> publish_model(ModelRecord model, const std::string& staged_model_path,
                                    const std::function<Status(JobRecord&)>& job_update);
  Result<ModelRecord> get_model(std::string_view workspace, std::string_view id);
  Result<std::vector<ModelRecord>> list_models(std::string_view workspace);  // newest first
  // Sets name/description where given (nullopt leaves a field alone).
  Result<ModelRecord> update_model(std::string_view workspace, std::string_view id,
                                   std::optional<std::optional<std::string>> name,
                                   std::optional<std::optional<std::string>> description);
  Result<ModelRecord> set_model_archived(std::string_view workspace, std::string_view id,
                                         bool archived);
  Status delete_model(std::string_view workspace, std::string_view id);
  std::string model_path(const ModelRecord& model) const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "a1b2c3d4": the 8 hex digits that stand for a workspace in model ids and owned_by.
std::string workspace_tag(std::string_view workspace);

}  // namespace winnow::store
