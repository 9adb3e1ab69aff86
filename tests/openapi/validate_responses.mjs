// Usage: node tests/openapi/validate_responses.mjs WINNOW_BINARY RECORDS_DIR
//
// Checks every answer the integration tests received (recorded by the servers they started, with
// WINNOW_RECORD_RESPONSES=RECORDS_DIR: src/api/response_recorder.h) against the real server's
// /v1/openapi.json:
//   - the route and method are in the document, and the status is one it lists for them;
//   - the Content-Type is one the document gives for that status;
//   - a JSON body validates (Ajv, JSON Schema 2020-12: the dialect of OpenAPI 3.1) against that
//     response's schema; answers to unmatched paths (404, 405) against components.schemas.Error.
// Then it prints which documented operations no recorded answer covered, and fails when an
// operation's 200 answer has no schema at all. Exit 0 only when every answer conforms.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fetchDocument } from "./document.mjs";

if (process.argv.length !== 4) {
  console.error("usage: node validate_responses.mjs WINNOW_BINARY RECORDS_DIR");
  process.exit(2);
}
const [winnow, recordsDir] = process.argv.slice(2);

const DOC_ID = "https://winnow.invalid/openapi.json";
const doc = await fetchDocument(winnow);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: DOC_ID });

// JSON Pointer (RFC 6901) of a document location, as a URI fragment.
const pointer = (...parts) =>
  "#" + parts.map((p) => "/" + encodeURIComponent(String(p).replaceAll("~", "~0").replaceAll("/", "~1"))).join("");
const validators = new Map();
function validatorAt(...parts) {
  const ref = DOC_ID + pointer(...parts);
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
  return validators.get(ref);
}

const isJson = (type) => type === "application/json" || type.endsWith("+json");

// --- read the recordings --------------------------------------------------------------------
let files;
try {
  files = readdirSync(recordsDir).filter((f) => f.endsWith(".jsonl"));
} catch (e) {
  console.error(`FAIL: cannot read ${recordsDir}: ${e.message} (run the integration tests first: ctest -L integration)`);
  process.exit(1);
}
const records = [];
let broken = 0;
for (const f of files) {
  for (const line of readFileSync(join(recordsDir, f), "utf8").split("\n")) {
    if (line === "") continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      broken++; // a server killed mid-write (crash tests) leaves a cut last line
    }
  }
}
if (records.length === 0) {
  console.error(`FAIL: no recorded responses in ${recordsDir}`);
  process.exit(1);
}

// --- check each answer ----------------------------------------------------------------------
const failures = new Map(); // one entry per distinct (where, problem), with a count and an example
function fail(where, problem, example) {
  const key = `${where}\n${problem}`;
  const f = failures.get(key) ?? { where, problem, example, count: 0 };
  f.count++;
  failures.set(key, f);
}
const covered = new Map(); // "METHOD route" -> Set of statuses seen
let checked = 0;

for (const r of records) {
  if (r.method === "HEAD" || r.method === "OPTIONS") continue; // no body; OPTIONS is not routed
  const type = (r.content_type ?? "").split(";")[0].trim();
  const where = `${r.method} ${r.route ?? "(no route)"} -> ${r.status}`;
  checked++;
  let schemaAt;
  if (r.route === null) {
    schemaAt = ["components", "schemas", "Error"];
    if (!isJson(type)) {
      fail(where, `Content-Type '${type}' (expected application/json)`, r.body);
      continue;
    }
  } else {
    const method = r.method.toLowerCase();
    const op = doc.paths?.[r.route]?.[method];
    if (!op) {
      fail(where, "route and method are not in /v1/openapi.json", r.body);
      continue;
    }
    const key = `${r.method} ${r.route}`;
    if (!covered.has(key)) covered.set(key, new Set());
    covered.get(key).add(r.status);
    const status = String(r.status);
    const response = op.responses?.[status] ?? op.responses?.default;
    if (!response) {
      fail(where, `status ${status} is not documented (documented: ${Object.keys(op.responses ?? {}).join(", ")})`, r.body);
      continue;
    }
    const statusKey = op.responses[status] ? status : "default";
    const content = response.content ?? {};
    if (!(type in content)) {
      if (Object.keys(content).length === 0 && (r.body ?? "") === "") continue; // documented as bodiless
      fail(where, `Content-Type '${type}' is not documented (documented: ${Object.keys(content).join(", ") || "none"})`, r.body);
      continue;
    }
    if (!isJson(type)) continue; // text/plain, application/octet-stream: any bytes
    schemaAt = ["paths", r.route, method, "responses", statusKey, "content", type, "schema"];
  }
  if (r.body === null) {
    fail(where, "a JSON answer was streamed; the recorder could not see its body", null);
    continue;
  }
  let body;
  try {
    body = JSON.parse(r.body);
  } catch (e) {
    fail(where, `body is not JSON: ${e.message}`, r.body);
    continue;
  }
  const validate = validatorAt(...schemaAt);
  if (!validate(body)) {
    for (const e of validate.errors) {
      fail(where, `${e.instancePath || "(root)"}: ${e.message} [schema ${e.schemaPath}]`, r.body);
    }
  }
}

// --- coverage -------------------------------------------------------------------------------
const uncovered = [];
const schemaless = [];
for (const [route, ops] of Object.entries(doc.paths ?? {})) {
  for (const [method, op] of Object.entries(ops)) {
    const key = `${method.toUpperCase()} ${route}`;
    const ok = op.responses?.["200"];
    const content = ok?.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0 || types.some((t) => !content[t].schema || Object.keys(content[t].schema).length === 0)) {
      schemaless.push(key);
    }
    const seen = covered.get(key);
    if (!seen) uncovered.push(`${key} (no answer recorded)`);
    else if (![...seen].some((s) => s >= 200 && s < 300)) uncovered.push(`${key} (only ${[...seen].sort().join(", ")})`);
  }
}

console.log(`openapi: ${checked} recorded answers from ${files.length} server runs checked against /v1/openapi.json` +
  (broken ? ` (${broken} cut lines skipped)` : ""));
console.log(`openapi: ${covered.size} of ${Object.values(doc.paths ?? {}).reduce((n, ops) => n + Object.keys(ops).length, 0)} documented operations answered`);
if (uncovered.length) {
  console.log(`openapi: operations with no successful answer in the tests (not checked):\n  ${uncovered.join("\n  ")}`);
}
let failed = false;
if (schemaless.length) {
  failed = true;
  console.error(`FAIL: operations whose 200 answer has no schema:\n  ${schemaless.join("\n  ")}`);
}
for (const f of failures.values()) {
  failed = true;
  const example = f.example === null || f.example === undefined ? "" : `\n    body: ${String(f.example).slice(0, 300)}`;
  console.error(`FAIL: ${f.where} (${f.count}x): ${f.problem}${example}`);
}
process.exit(failed ? 1 : 0);
