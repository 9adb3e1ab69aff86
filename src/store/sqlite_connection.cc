#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <memory>

namespace winnow::store {
namespace {

Status sqlite_status(int code, const std::string& message) {
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::corruption(message);
    case SQLITE_CONSTRAINT:
      return Status::already_exists(message);
    default:
      return Status::io_error(message);
  }
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

int bind_param(sqlite3_stmt* stmt, int index, const SqlParam& value) {
  if (std::holds_alternative<SqlNull>(value)) return sqlite3_bind_null(stmt, index);
  if (const auto* s = std::get_if<std::string>(&value)) {
    return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  if (const auto* i = std::get_if<int64_t>(&value)) return sqlite3_bind_int64(stmt, index, *i);
  return sqlite3_bind_double(stmt, index, std::get<double>(value));
}

SqlCell read_cell(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return std::monostate();
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, column);
    default: {  // TEXT, BLOB
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      const int n = sqlite3_column_bytes(stmt, column);
      return p ? std::string(p, static_cast<size_t>(n)) : std::string();
    }
  }
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        path + ": cannot open database: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return sqlite_status(rc, message);
  }
  sqlite3_extended_result_codes(db, 1);
  auto conn = std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
  // WAL: readers never block the writer. synchronous=FULL: a commit is on disk when COMMIT
  // returns (NORMAL could lose the last commits on power loss, e.g. a job's SUCCESS after its
  // model was published); commits are few (uploads, state changes, ~20 checkpoints per job).
  WINNOW_RETURN_IF_ERROR(conn->exec_script("PRAGMA busy_timeout = 10000"));
  WINNOW_ASSIGN_OR_RETURN(SqlRows mode, conn->query("PRAGMA journal_mode = WAL"));
  if (mode.empty() || mode.row(0).text(0) != "wal") {
    return Status::io_error(path + ": cannot switch the database to WAL mode");
  }
  WINNOW_RETURN_IF_ERROR(conn->exec_script("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));
  return conn;
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

Status SqliteConnection::error(std::string_view what) const {
  return sqlite_status(sqlite3_extended_errcode(db_),
                       path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status SqliteConnection::exec_script(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::ok();
  std::string message = path_ + ": " + (err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  return sqlite_status(rc, message);
}

Result<SqlRows> SqliteConnection::query(std::string_view sql, const SqlArgs& args) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return error("cannot prepare statement");
  }
  StmtPtr stmt(raw);
  const std::vector<SqlParam>& values = args.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const int rc = bind_param(stmt.get(), static_cast<int>(i) + 1, values[i]);
    if (rc != SQLITE_OK) {
      return sqlite_status(rc, path_ + ": cannot bind parameter " + std::to_string(i + 1) + ": " +
                                   sqlite3_errstr(rc));
    }
  }
  SqlRows out;
  const int columns = sqlite3_column_count(stmt.get());
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error("statement failed");
    std::vector<SqlCell>& row = out.rows.emplace_back();
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) row.push_back(read_cell(stmt.get(), c));
  }
  // Rows changed by this statement; a read-only statement changed none (sqlite3_changes64
  // would still report the last write's count).
  out.changes = sqlite3_stmt_readonly(stmt.get()) ? 0 : sqlite3_changes64(db_);
  return out;
}

Status SqliteConnection::begin() { return exec_script("BEGIN IMMEDIATE"); }
Status SqliteConnection::commit() { return exec_script("COMMIT"); }
Status SqliteConnection::rollback() {
  // Nothing to roll back (SQLite already did, e.g. after a failed COMMIT): fine.
  if (sqlite3_get_autocommit(db_)) return Status::ok();
  return exec_script("ROLLBACK");
}

Status SqliteConnection::lock_key(std::string_view key) {
  if (sqlite3_get_autocommit(db_)) {
    return Status::internal(path_ + ": lock_key(" + std::string(key) + ") outside a transaction");
  }
  return Status::ok();
}

}  // namespace winnow::store
