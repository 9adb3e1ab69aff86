// ScoreReader over Apache Parquet (src/parquet/): a `.parquet` file, or a directory of
// `.parquet` part files read in name order as one split (the Hugging Face hub's layout,
// <split>/0000.parquet, 0001.parquet, ...). Columns are resolved exactly as for CSV and JSONL
// (score_reader.h); only the text and label columns are read from the file.
//
// Column types: the text column must be BYTE_ARRAY (string; a null text is an empty text);
// scores may be FLOAT, DOUBLE, INT32, INT64 or BOOLEAN. A FLOAT score is widened to double
// exactly (0.2f reads as 0.20000000298023224), which is what the hub's rows API returns for the
// same float32 cells, so `--hub-format parquet` and `--hub-format rows` give the same output. A
// null or NaN score is missing and handled per --missing.
//
// ScoreRow::line is the 1-based row number within the split (over all part files); errors say
// "<file>: row N (row group G): column 'x': ...". position_bytes()/size_bytes() count the bytes
// of all part files.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "data/score_reader.h"

namespace winnow {

// True when `path` is read as Parquet: a directory, a name ending in `.parquet` or `.parq`, or a
// file starting with the magic bytes PAR1.
bool is_parquet_input(const std::string& path);

// Opens a Parquet split (see above). Errors name the file: not Parquet or damaged
// (kCorruption), no text column or unknown --labels column, a column of an unsupported type or
// layout, a part file whose columns differ from the first one's (kInvalidArgument), an empty
// directory (kNotFound).
Result<std::unique_ptr<ScoreReader>> open_parquet_score_reader(const std::string& path,
                                                               const ScoreReaderOptions& options);

}  // namespace winnow
