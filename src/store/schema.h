// The database schema and its migrations (docs/store.md). The schema_version table holds one
// row: the number of migrations applied. open() runs the missing ones in one transaction, so a
// database written by an older Winnow is upgraded in place (or not at all), and one written by
// a newer Winnow is refused (kFailedPrecondition) rather than misread. The same numbers and the
// same rule for SQLite and PostgreSQL.
#pragma once

#include "core/status.h"
#include "store/sql_connection.h"

namespace winnow::store {

constexpr int kSchemaVersion = 2;

// Brings the schema to kSchemaVersion, in the connection's engine (the migrations have a text
// for each). The connection's own settings (SQLite's pragmas) are made when it opens.
Status prepare_database(SqlConnection& db);

}  // namespace winnow::store
