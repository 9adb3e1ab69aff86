#include "store/schema.h"

#include <string>

namespace winnow::store {
namespace {

// One migration in each engine's words. PostgreSQL's tables are SQLite's with BIGINT for
// INTEGER, DOUBLE PRECISION for REAL, and an identity column `seq` where SQLite orders rows by
// rowid (SqlDialect::insertion_order; job_events already has its own seq).
struct Migration {
  const char* sqlite;
  const char* postgres;
};

// Migration i (1-based) takes the schema from version i-1 to i, in both engines. Append only;
// never edit one that has shipped.
const Migration kMigrations[] = {
    // 1: files, jobs with their events and checkpoints, models.
    {R"sql(
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
     R"sql(
CREATE TABLE files (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  filename TEXT NOT NULL,
  purpose TEXT NOT NULL,
  sample_type TEXT NOT NULL,
  source TEXT NOT NULL,
  mimetype TEXT NOT NULL,
  visibility TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  num_lines BIGINT NOT NULL,
  signature TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX files_by_workspace ON files(workspace, created_at);
CREATE INDEX files_by_content ON files(workspace, filename, sha256);

CREATE TABLE jobs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  auto_start BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  suffix TEXT,
  fine_tuned_model TEXT,
  trained_tokens BIGINT,
  error TEXT,
  invalid_sample_skip_percentage DOUBLE PRECISION NOT NULL,
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
  seq BIGINT NOT NULL,
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE job_checkpoints (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  workspace TEXT NOT NULL,
  step_number BIGINT NOT NULL,
  train_loss DOUBLE PRECISION,
  valid_loss DOUBLE PRECISION,
  valid_accuracy DOUBLE PRECISION,
  valid_macro_roc_auc DOUBLE PRECISION,
  created_at BIGINT NOT NULL
);
CREATE INDEX job_checkpoints_by_job ON job_checkpoints(job_id, step_number);

CREATE TABLE models (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  workspace TEXT NOT NULL,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  root TEXT NOT NULL,
  created BIGINT NOT NULL,
  name TEXT,
  description TEXT,
  archived BIGINT NOT NULL DEFAULT 0,
  classifier_targets TEXT NOT NULL
);
CREATE INDEX models_by_workspace ON models(workspace, created);
)sql"},
    // 2: the expiry sweep (Store::remove_expired_files, every few seconds, under the store's
    // lock) found expired files by scanning the whole table. Partial: most files never expire.
    // The same text in both engines.
    {R"sql(
CREATE INDEX files_by_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;
)sql",
     R"sql(
CREATE INDEX files_by_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;
)sql"},
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

Result<int> read_version(SqlConnection& db) {
  WINNOW_RETURN_IF_ERROR(
      db.exec_script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  WINNOW_ASSIGN_OR_RETURN(SqlRows rows, db.query("SELECT version FROM schema_version"));
  if (!rows.empty()) return static_cast<int>(rows.row(0).int64(0));
  WINNOW_RETURN_IF_ERROR(db.exec_script("INSERT INTO schema_version (version) VALUES (0)"));
  return 0;
}

// The migrations missing from a database at `version`, and the version written after each.
Status migrate(SqlConnection& db, int version) {
  for (int v = version; v < kSchemaVersion; ++v) {
    const Migration& m = kMigrations[v];
    Status s = db.exec_script(db.dialect().engine == SqlEngine::kPostgres ? m.postgres : m.sqlite);
    if (s.is_ok()) {
      s = db.exec_script("UPDATE schema_version SET version = " + std::to_string(v + 1));
    }
    if (!s.is_ok()) return s.with_context("migration to schema version " + std::to_string(v + 1));
  }
  return Status::ok();
}

}  // namespace

Status prepare_database(SqlConnection& db) {
  // One transaction: SQLite's write lock, or (PostgreSQL, whose DDL is transactional too) the
  // schema key, so that of two servers starting at once one migrates and the other waits and
  // then finds the new version.
  WINNOW_RETURN_IF_ERROR(db.begin());
  Status s = db.lock_key("winnow schema");
  Result<int> version = s.is_ok() ? read_version(db) : Result<int>(s);
  if (!version.is_ok()) {
    (void)db.rollback();
    return version.status();
  }
  if (*version > kSchemaVersion) {
    (void)db.rollback();
    return Status::failed_precondition(db.name() + ": the database has schema version " +
                                       std::to_string(*version) + ", newer than this Winnow's " +
                                       std::to_string(kSchemaVersion) + "; use a newer Winnow");
  }
  s = migrate(db, *version);
  if (s.is_ok()) s = db.commit();
  if (!s.is_ok()) (void)db.rollback();
  return s;
}

}  // namespace winnow::store
