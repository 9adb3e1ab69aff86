// The database schema and its migrations (docs/store.md). The schema_version table holds one
// row: the number of migrations applied. open() runs the missing ones in one transaction, so a
// database written by an older Winnow is upgraded in place (or not at all), and one written by
// a newer Winnow is refused (kFailedPrecondition) rather than misread.
#pragma once

#include "core/status.h"
#include "store/sqlite_db.h"

namespace winnow::store {

constexpr int kSchemaVersion = 2;

// Sets the connection's pragmas (WAL, synchronous=FULL, busy timeout, foreign keys) and brings
// the schema to kSchemaVersion.
Status prepare_database(Db& db);

}  // namespace winnow::store
