#include "store/schema.h"

#include <string>

namespace winnow::store {
namespace {

// Migration i (1-based) takes the schema from version i-1 to i. Append only; never edit one
// that has shipped.
constexpr const char* kMigrations[] = {
    // 1: files, jobs with their events and checkpoints, models.
    R"sql(
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  filename TEXT NOT NULL,
  purpose TEXT NOT NULL,
  sample_type TEXT NOT NULL,
  source TEXT NOT NULL,
  mimetype TEXT NOT NULL,
  visibility TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  num_lines INTEGER NOT NULL,
  signature TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX files_by_workspace ON files(workspace, created_at);
CREATE INDEX files_by_content ON files(workspace, filename, sha256);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  auto_start INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  suffix TEXT,
  fine_tuned_model TEXT,
  trained_tokens INTEGER,
  error TEXT,
  invalid_sample_skip_percentage REAL NOT NULL,
  training_files TEXT NOT NULL,
  validation_files TEXT NOT NULL,
  hyperparameters TEXT NOT NULL,
  integrations TEXT NOT NULL,
  requested_targets TEXT NOT NULL,
  classifier_targets TEXT NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX jobs_by_workspace ON jobs(workspace, created_at);
CREATE INDEX jobs_by_status ON jobs(status, created_at);

CREATE TABLE job_events (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE job_checkpoints (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  workspace TEXT NOT NULL,
  step_number INTEGER NOT NULL,
  train_loss REAL,
  valid_loss REAL,
  valid_accuracy REAL,
  valid_macro_roc_auc REAL,
  created_at INTEGER NOT NULL
);
CREATE INDEX job_checkpoints_by_job ON job_checkpoints(job_id, step_number);

CREATE TABLE models (
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  root TEXT NOT NULL,
  created INTEGER NOT NULL,
  name TEXT,
  description TEXT,
  archived INTEGER NOT NULL DEFAULT 0,
  classifier_targets TEXT NOT NULL
);
CREATE INDEX models_by_workspace ON models(workspace, created);
)sql",
    // 2: the expiry sweep (Store::remove_expired_files, every few seconds, under the store's
    // lock) found expired files by scanning the whole table. Partial: most files never expire.
    R"sql(
CREATE INDEX files_by_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

Result<int> read_version(Db& db) {
  WINNOW_RETURN_IF_ERROR(
      db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, "SELECT version FROM schema_version"));
  WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
  if (row) return static_cast<int>(q.int64(0));
  WINNOW_RETURN_IF_ERROR(db.exec("INSERT INTO schema_version (version) VALUES (0)"));
  return 0;
}

}  // namespace

Status prepare_database(Db& db) {
  // WAL: readers never block the writer. synchronous=FULL: a commit is on disk when COMMIT
  // returns (NORMAL could lose the last commits on power loss, e.g. a job's SUCCESS after its
  // model was published); commits are few (uploads, state changes, ~20 checkpoints per job).
  WINNOW_RETURN_IF_ERROR(db.exec("PRAGMA busy_timeout = 10000"));
  {
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, "PRAGMA journal_mode = WAL"));
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row || q.text(0) != "wal") {
      return Status::io_error(db.path() + ": cannot switch the database to WAL mode");
    }
  }
  WINNOW_RETURN_IF_ERROR(db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));
  WINNOW_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  Result<int> version = read_version(db);
  if (!version.is_ok()) {
    (void)db.exec("ROLLBACK");
    return version.status();
  }
  if (*version > kSchemaVersion) {
    (void)db.exec("ROLLBACK");
    return Status::failed_precondition(db.path() + ": the database has schema version " +
                                       std::to_string(*version) + ", newer than this Winnow's " +
                                       std::to_string(kSchemaVersion) + "; use a newer Winnow");
  }
  for (int v = *version; v < kSchemaVersion; ++v) {
    Status s = db.exec(kMigrations[v]);
    if (s.is_ok()) {
      s = db.exec("UPDATE schema_version SET version = " + std::to_string(v + 1));
    }
    if (!s.is_ok()) {
      (void)db.exec("ROLLBACK");
      return s.with_context("migration to schema version " + std::to_string(v + 1));
    }
  }
  return db.exec("COMMIT");
}

}  // namespace winnow::store
