// Which engine holds the store's records: the one place that turns a store URL into a
// connection (Store::open, tests, the CLI's start-up check).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/sql_connection.h"

namespace winnow::store {

// `store_url` empty: SQLite in <data_dir>/winnow.db. "postgresql://..." or "postgres://...":
// that PostgreSQL database (kInvalidArgument for a malformed URL, kUnavailable when it cannot
// be reached, both naming the URL without its password). Anything else is kInvalidArgument.
Result<std::unique_ptr<SqlConnection>> open_sql_connection(const std::string& store_url,
                                                           const std::string& data_dir);

}  // namespace winnow::store
