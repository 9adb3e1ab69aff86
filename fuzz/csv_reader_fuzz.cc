// Fuzzes CsvReader (src/data/csv_reader.h) on arbitrary bytes. Besides "no crash, no sanitizer
// report", it checks the reader's promises:
// - the result (every record's fields, line, offset and size, or the error) does not depend on
//   the buffer size or on how the source splits the bytes across reads;
// - raw_field() addresses the field's bytes in the stream: unquoting them gives the field;
// - records tile the stream: each starts where the previous one (or skipped blank line) ended.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_reader.h"
#include "fuzz_support.h"

namespace {

using winnow::CsvReader;
using winnow::fuzz::fuzz_check;
using winnow::fuzz::MemoryByteSource;

struct Record {
  std::vector<std::string> fields;
  uint64_t line, offset, size;
  bool operator==(const Record&) const = default;
};

struct Outcome {
  std::vector<Record> records;
  std::string error;  // empty when the whole input parsed
  bool operator==(const Outcome&) const = default;
};

Outcome parse(std::string_view data, size_t buffer_bytes, size_t chunk_bytes) {
  CsvReader reader(std::make_unique<MemoryByteSource>(data, chunk_bytes), buffer_bytes);
  Outcome out;
  uint64_t previous_end = 0;
  for (;;) {
    winnow::Result<bool> more = reader.next();
    if (!more.is_ok()) {
      out.error = more.status().to_string();
      fuzz_check(out.error.find("<fuzz>:") != std::string::npos, "CSV error without the path");
      return out;
    }
    if (!*more) return out;
    Record r{{}, reader.line(), reader.record_offset(), reader.record_size_bytes()};
    fuzz_check(reader.field_count() >= 1, "a record without fields");
    fuzz_check(r.offset >= previous_end, "records overlap");
    fuzz_check(r.offset + r.size <= data.size(), "record extends past the input");
    previous_end = r.offset + r.size;
    for (size_t i = 0; i < reader.field_count(); ++i) {
      const std::string_view field = reader.field(i);
      const CsvReader::RawField raw = reader.raw_field(i);
      fuzz_check(raw.offset >= r.offset && raw.offset + raw.size <= r.offset + r.size,
                 "raw field outside its record");
      fuzz_check(winnow::unquote_csv_field(data.substr(raw.offset, raw.size), raw.quoted) == field,
                 "unquoting the raw field does not give the field");
      r.fields.emplace_back(field);
    }
    out.records.push_back(std::move(r));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  const Outcome reference = parse(data, 1 << 16, data.size() + 1);
  fuzz_check(parse(data, 16, 1) == reference, "result depends on reads of 1 byte");
  fuzz_check(parse(data, 16, 1 + size % 13) == reference, "result depends on the buffer size");
  return 0;
}
