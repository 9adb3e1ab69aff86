// The PostgreSQL engine behind the store's seam (sql_connection.h), over libpq: one connection,
// parameters and results in text format ('?' placeholders rewritten to $n), errors as Status
// values naming the URL (password removed):
//   kUnavailable       the server cannot be reached or went away (connection classes 08,
//                      57P0x); the next statement outside a transaction reconnects
//   kAlreadyExists     a constraint was violated (class 23, as SQLite's CONSTRAINT)
//   kInvalidArgument   a value the database refuses (class 22: bad UTF-8, out of range)
//   kIoError           anything else
// The database must use the UTF8 encoding.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/sql_connection.h"

struct pg_conn;

namespace winnow::store {

// true for "postgresql://..." and "postgres://..." (libpq's URI forms).
bool is_postgres_url(std::string_view url);
// The URL with any password replaced by "***", for messages and logs.
std::string redact_postgres_url(std::string_view url);
// kInvalidArgument naming the URL when libpq cannot parse it (no connection is made).
Status check_postgres_url(std::string_view url);

// "?" -> "$1", "$2", ...; "?NNN" -> "$NNN"; text inside '...' and "..." is left alone.
std::string postgres_placeholders(std::string_view sql);

class PgConnection final : public SqlConnection {
 public:
  // Connects (kInvalidArgument for a malformed URL, kUnavailable when unreachable).
  static Result<std::unique_ptr<PgConnection>> open(const std::string& url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Status exec_script(std::string_view sql) override;
  Result<SqlRows> query(std::string_view sql, const SqlArgs& args) override;
  using SqlConnection::query;
  Status begin() override;
  Status commit() override;
  Status rollback() override;
  Status lock_key(std::string_view key) override;
  const SqlDialect& dialect() const override { return dialect_; }
  const std::string& name() const override { return name_; }

 private:
  PgConnection(pg_conn* conn, std::string url);
  // Reconnects when the connection was lost and no transaction is open.
  Status ensure_connected();
  pg_conn* conn_;
  std::string url_, name_;
  bool in_transaction_ = false;
  SqlDialect dialect_;
};

}  // namespace winnow::store
