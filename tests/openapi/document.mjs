// The OpenAPI document as the real server writes it: starts `winnow serve --no-auth --port 0` in a
// fresh temporary data directory, reads GET /v1/openapi.json, stops the server (SIGTERM) and
// removes the directory. Node builtins only, so that web/ can use it without tests/openapi's
// node_modules (scripts/gen_api_types.sh).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LISTENING = /winnow serve: listening on (http:\/\/[^\s]+)/;

/** Resolves to the parsed document; rejects naming what failed (no listening line in 60 s, HTTP status). */
export async function fetchDocument(winnowBinary) {
  const dataDir = mkdtempSync(join(tmpdir(), "winnow-openapi-"));
  const env = { ...process.env };
  delete env.WINNOW_RECORD_RESPONSES; // fetching the document is not a response under test
  const server = spawn(
    winnowBinary,
    ["serve", "--no-auth", "--port", "0", "--host", "127.0.0.1", "--data-dir", join(dataDir, "data"),
     "--workers", "1", "--no-access-log"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  server.stderr.on("data", (d) => { stderr += d; });
  try {
    const base = await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no listening line from ${winnowBinary} in 60 s; stderr: ${stderr}`)), 60_000);
      server.stdout.on("data", (d) => {
        out += d;
        const m = LISTENING.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      server.on("exit", (code) => { clearTimeout(timer); reject(new Error(`${winnowBinary} serve exited (${code}); stderr: ${stderr}`)); });
    });
    const res = await fetch(`${base}/v1/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /v1/openapi.json: HTTP ${res.status}`);
    return await res.json();
  } finally {
    const exited = new Promise((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) resolve();
      else server.on("exit", resolve);
    });
    server.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
