// Starts the real `winnow serve` for a test and stops it: an ephemeral loopback port, a data
// directory the caller owns, one API key. The listening line (`winnow serve: listening on
// http://HOST:PORT`) is the only thing parsed from the server's output.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// The binary under test: argv[2] (how ctest passes it), else $WINNOW_BINARY, else build/winnow.
export function winnowBinary() {
  const fromArgs = process.argv.slice(2).find((a) => !a.startsWith("-"));
  return fromArgs ?? process.env.WINNOW_BINARY ?? path.join(repoDir, "build", "winnow");
}

const LISTENING = /^winnow serve: listening on (http:\/\/\S+)$/m;

// Resolves to a running server once the listening line is printed; rejects (with the server's
// stderr) when the process exits first or nothing is printed within startTimeoutMs (a hang guard,
// not a speed check).
export function startServer({ dataDir, apiKey = "test-key", args = [], startTimeoutMs = 60_000 }) {
  const bin = winnowBinary();
  const argv = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir, ...args];
  if (apiKey !== null) argv.push("--api-key", apiKey);
  const proc = spawn(bin, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.setEncoding("utf8");
  proc.stderr.setEncoding("utf8");
  proc.stderr.on("data", (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));  // access logs can be long
  });
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${bin} ${argv.join(" ")}: no listening line after ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    proc.on("error", (e) => { clearTimeout(timer); reject(e); });
    proc.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(LISTENING);
      if (m) {
        clearTimeout(timer);
        resolve(new RunningServer(proc, m[1], exited, () => stderr, () => stdout));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${bin} ${argv.join(" ")} exited (code ${code}, signal ${signal}) before listening:\n${stderr}`));
    });
  });
}

class RunningServer {
  constructor(proc, url, exited, stderr, stdout) {
    this.proc = proc;
    this.url = url;  // http://127.0.0.1:PORT
    this.exited = exited;
    this.stderr = stderr;
    this.stdout = stdout;
  }
  get pid() { return this.proc.pid; }
  // SIGTERM and wait: resolves to {code, signal} (a clean stop is code 0).
  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGTERM");
    return this.exited;
  }
  // kill -9: no chance to clean up.
  async crash() {
    this.proc.kill("SIGKILL");
    return this.exited;
  }
}

