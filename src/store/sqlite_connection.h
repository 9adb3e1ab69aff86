// The SQLite engine behind the store's seam (sql_connection.h): one connection to a database
// file, set up for the store (WAL, synchronous=FULL, foreign keys, a 10 s busy timeout).
// Errors are Status values naming the file:
//   kCorruption        the file is damaged or not a database
//   kAlreadyExists     a constraint was violated (as PostgreSQL's class 23)
//   kIoError           anything else
// SQLite understands '?' and '?NNN' itself: statements are prepared as written.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/sql_connection.h"

struct sqlite3;

namespace winnow::store {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating) the database file and sets the connection's pragmas. kIoError /
  // kCorruption naming the path; kIoError when WAL mode cannot be switched on.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status exec_script(std::string_view sql) override;
  Result<SqlRows> query(std::string_view sql, const SqlArgs& args) override;
  using SqlConnection::query;
  // BEGIN IMMEDIATE: takes the database's write lock now, so a transaction that reads and then
  // writes never fails half-way with SQLITE_BUSY.
  Status begin() override;
  Status commit() override;
  Status rollback() override;
  // Checks that a transaction is open; the write lock it holds already excludes every other
  // writer of the file.
  Status lock_key(std::string_view key) override;
  const SqlDialect& dialect() const override { return dialect_; }
  const std::string& name() const override { return path_; }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // Status for the connection's last error, with `what` as context.
  Status error(std::string_view what) const;
  sqlite3* db_;
  std::string path_;
  SqlDialect dialect_;  // the defaults are SQLite's
};

}  // namespace winnow::store
