// Writes Parquet test files with a real writer: the Rust `parquet` crate (arrow-rs, the same
// format code as DataFusion and Polars' writer) compiled to WebAssembly (npm parquet-wasm),
// fed Arrow tables built with npm apache-arrow. Nullable Arrow fields become OPTIONAL columns
// with definition levels, as pyarrow writes them.
//
//   node tests/parquet/write_parquet.mjs SPEC.json
//
// SPEC.json is one file description or an array of them:
//   {"out": "path.parquet",
//    "columns": [{"name": "text", "type": "utf8"|"large_utf8"|"binary"|"float32"|"float64"|
//                 "int32"|"int64"|"bool", "nullable": true}, ...],
//    "rows": [[v, v, ...], ...],          // one array per row, null for a null cell
//    "compression": "uncompressed"|"snappy"|"gzip"|"zstd"|"brotli"|"lz4_raw",  (default snappy)
//    "dictionary": true,                  // dictionary pages (default true, as pyarrow)
//    "encoding": "plain"|"delta_binary_packed"|"delta_length_byte_array"|"byte_stream_split"|...,
//    "writer_version": 1|2,               // 2 writes DATA_PAGE_V2 pages (default 1)
//    "row_group_rows": N,                 // rows per row group (default: all in one)
//    "data_page_bytes": N,                // data page size limit (default: the crate's 1 MiB)
//    "dictionary_page_bytes": N,          // dictionary size limit before PLAIN fallback
//    "write_batch_rows": N,               // rows per write batch (page-size checks happen per batch)
//    "statistics": "none"|"chunk"|"page"} // (default page)
// Prints nothing on success; exits 1 with a message on a bad spec.
import { readFileSync, writeFileSync } from "node:fs";
import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm/node";

const kTypes = {
  utf8: () => new arrow.Utf8(),
  large_utf8: () => new arrow.LargeUtf8(),
  binary: () => new arrow.Binary(),
  float32: () => new arrow.Float32(),
  float64: () => new arrow.Float64(),
  int32: () => new arrow.Int32(),
  int64: () => new arrow.Int64(),
  bool: () => new arrow.Bool(),
};

function fail(message) {
  process.stderr.write(`write_parquet: ${message}\n`);
  process.exit(1);
}

function enumValue(table, name, what) {
  const key = String(name).toUpperCase();
  if (!(key in table)) fail(`unknown ${what} '${name}'`);
  return table[key];
}

function cell(type, value) {
  if (value === null || value === undefined) return null;
  if (type === "int64") return BigInt(value);
  if (type === "binary") return new TextEncoder().encode(String(value));
  return value;
}

function buildTable(spec) {
  const fields = [];
  const vectors = {};
  for (const [i, column] of spec.columns.entries()) {
    const make = kTypes[column.type];
    if (!make) fail(`${spec.out}: column '${column.name}': unknown type '${column.type}'`);
    const values = spec.rows.map((row) => cell(column.type, row[i]));
    const nullable = column.nullable !== false;
    if (!nullable && values.some((v) => v === null)) {
      fail(`${spec.out}: column '${column.name}' is not nullable but has a null`);
    }
    const type = make();
    vectors[column.name] = arrow.vectorFromArray(values, type);
    fields.push(new arrow.Field(column.name, type, nullable));
  }
  const schema = new arrow.Schema(fields);
  const batch = new arrow.RecordBatch(
    schema,
    arrow.makeData({
      type: new arrow.Struct(fields),
      length: spec.rows.length,
      nullCount: 0,
      children: fields.map((f) => vectors[f.name].data[0]),
    }),
  );
  return new arrow.Table(schema, [batch]);
}

function properties(spec) {
  let b = new parquet.WriterPropertiesBuilder()
    .setCompression(enumValue(parquet.Compression, spec.compression ?? "snappy", "compression"))
    .setDictionaryEnabled(spec.dictionary ?? true)
    .setWriterVersion(spec.writer_version === 2 ? parquet.WriterVersion.V2 : parquet.WriterVersion.V1)
    .setCreatedBy("winnow tests/parquet/write_parquet.mjs (parquet-wasm)");
  if (spec.encoding) b = b.setEncoding(enumValue(parquet.Encoding, spec.encoding, "encoding"));
  if (spec.row_group_rows) b = b.setMaxRowGroupSize(spec.row_group_rows);
  if (spec.data_page_bytes) b = b.setDataPageSizeLimit(spec.data_page_bytes);
  if (spec.dictionary_page_bytes) b = b.setDictionaryPageSizeLimit(spec.dictionary_page_bytes);
  if (spec.write_batch_rows) b = b.setWriteBatchSize(spec.write_batch_rows);
  if (spec.statistics) {
    const s = { none: 0, chunk: 1, page: 2 }[spec.statistics];
    if (s === undefined) fail(`unknown statistics '${spec.statistics}'`);
    b = b.setStatisticsEnabled(s);
  }
  return b.build();
}

function write(spec) {
  if (!spec.out || !Array.isArray(spec.columns) || !Array.isArray(spec.rows)) {
    fail("a spec needs out, columns and rows");
  }
  const ipc = arrow.tableToIPC(buildTable(spec), "stream");
  const table = parquet.Table.fromIPCStream(ipc);
  const bytes = parquet.writeParquet(table, properties(spec));
  writeFileSync(spec.out, bytes);
}

if (process.argv.length !== 3) fail("usage: node write_parquet.mjs SPEC.json");
const parsed = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const spec of Array.isArray(parsed) ? parsed : [parsed]) write(spec);
