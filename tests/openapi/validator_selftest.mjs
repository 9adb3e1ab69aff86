// Usage: node tests/openapi/validator_selftest.mjs WINNOW_BINARY
// The checker of openapi.responses must be able to fail: fed answers that break the document
// (a wrong field type, an unknown route, a missing required field, an undocumented field, an
// undocumented status),
// validate_responses.mjs must exit 1 and name each route, status and instance path; fed only
// conforming answers it must exit 0.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const winnow = process.argv[2];
const here = dirname(fileURLToPath(import.meta.url));
const record = (method, route, status, body) =>
  JSON.stringify({ method, route, status, content_type: "application/json", body: JSON.stringify(body) });
const good = [
  record("GET", "/health", 200, { status: "ok" }),
  record("GET", "/v1/winnow/info", 200, { version: "1.0.0", auth_required: true }),
  record("GET", "/v1/files/{file_id}", 404, { detail: "File not found" }),
  record("GET", null, 404, { detail: "Not Found" }),
];
const bad = [
  [record("GET", "/v1/winnow/info", 200, { version: 7, auth_required: true }), "GET /v1/winnow/info -> 200", "/version: must be string"],
  [record("GET", "/v1/files/{file_id}/preview", 200, { lines: [] }), "GET /v1/files/{file_id}/preview -> 200", "route and method are not in"],
  [record("GET", "/v1/winnow/files/{file_id}/preview", 200, { lines: [] }), "GET /v1/winnow/files/{file_id}/preview -> 200", "must have required property 'total_lines'"],
  [record("DELETE", "/v1/files/{file_id}", 200, { id: "x", object: "file", deleted: true, extra: 1 }), "DELETE /v1/files/{file_id} -> 200", "must NOT have additional properties"],
  [record("GET", "/health", 418, { detail: "teapot" }), "GET /health -> 418", "status 418 is not documented"],
];

function run(lines) {
  const dir = mkdtempSync(join(tmpdir(), "winnow-selftest-"));
  try {
    writeFileSync(join(dir, "responses-1.jsonl"), lines.join("\n") + "\n");
    return spawnSync(process.execPath, [join(here, "validate_responses.mjs"), winnow, dir], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let failed = false;
const ok = run(good);
if (ok.status !== 0) {
  failed = true;
  console.error(`FAIL: conforming answers were refused (exit ${ok.status}):\n${ok.stdout}${ok.stderr}`);
}
const refused = run([...good, ...bad.map(([line]) => line)]);
if (refused.status !== 1) {
  failed = true;
  console.error(`FAIL: breaking answers were accepted (exit ${refused.status})`);
}
for (const [, where, problem] of bad) {
  const said = refused.stderr.split("\n").some((l) => l.includes(where) && l.includes(problem));
  if (!said) {
    failed = true;
    console.error(`FAIL: no report of '${where}' with '${problem}' in:\n${refused.stderr}`);
  }
}
console.log(failed ? "selftest: FAILED" : `selftest: ${bad.length} breaking answers reported, conforming ones accepted`);
process.exit(failed ? 1 : 0);
