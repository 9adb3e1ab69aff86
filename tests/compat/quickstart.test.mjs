// scripts/quickstart.sh, the README's main command, end to end (setup skipped: the binary under
// test is used): offline steps, then `winnow serve` and the tutorial over HTTP. With --no-serve
// the server is stopped afterwards; without it, the server keeps running at the printed address.
// Data: ../shared/data/civil_spans when present, else a small civil_comments-layout CSV set.
//
//   node tests/compat/quickstart.test.mjs [path/to/winnow]     (ctest: compat_quickstart)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { civilSpansDir } from "./lib/data.mjs";
import { repoDir, winnowBinary } from "./lib/server.mjs";

let tmp;
let dataDir;
const leftRunning = [];

// civil_comments columns; rows of four kinds so that every label is common enough to be kept.
function writeCivilLayout(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const cols = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack", "sexual_explicit"];
  const kinds = [
    ["the council vote on the park budget was today", {}],
    ["you are an idiot and a moron", { toxicity: 0.9, insult: 0.8 }],
    ["I will hurt you and burn your house", { toxicity: 0.8, threat: 0.9 }],
    ["what a stupid damn clown you are", { toxicity: 0.9, insult: 0.7, obscene: 0.6 }],
  ];
  for (const [split, n] of [["train", 400], ["validation", 80], ["test", 80]]) {
    const rows = ["id,text," + cols.join(",")];
    for (let i = 0; i < n; ++i) {
      const [text, scores] = kinds[i % kinds.length];
      rows.push([i, `"${text} ${i}"`, ...cols.map((c) => scores[c] ?? 0.0)].join(","));
    }
    fs.writeFileSync(path.join(dir, `${split}.csv`), rows.join("\n") + "\n");
  }
  return dir;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "winnow-quickstart-"));
  dataDir = civilSpansDir() ?? writeCivilLayout(path.join(tmp, "csv"));
});

after(() => {
  for (const pid of leftRunning) {
    try { process.kill(pid, "SIGTERM"); } catch { /* already gone */ }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function quickstart(out, extraArgs) {
  return spawnSync("bash", [path.join(repoDir, "scripts", "quickstart.sh"), dataDir, ...extraArgs], {
    cwd: repoDir,
    env: {
      ...process.env, WINNOW_SKIP_SETUP: "1", WINNOW_BIN: winnowBinary(), WINNOW_OUT: out,
      WINNOW_PORT: "0", POLL_SECONDS: "0.2",
    },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

// Running and not a zombie (a server orphaned by the script is reaped by whoever adopted it).
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

test("quickstart --no-serve: offline steps, the tutorial over HTTP, then the server stops", () => {
  const out = path.join(tmp, "no-serve");
  const run = quickstart(out, ["--no-serve"]);
  assert.equal(run.status, 0, `quickstart failed:\n${run.stdout}\n${run.stderr}`);
  assert.ok(fs.existsSync(path.join(out, "moderation.winnow")), "the offline model");
  assert.ok(fs.existsSync(path.join(out, "distribution.png")), "the chart");
  assert.match(run.stdout, /^fine_tuned_model: ft:classifier:ministral-3b-latest:/m);
  assert.match(run.stdout, /the server is stopped/);
  assert.ok(!fs.existsSync(path.join(out, "serve.pid")));
  const log = fs.readFileSync(path.join(out, "serve.log"), "utf8");
  const pidLine = log.match(/^winnow serve: listening on (http:\S+)$/m);
  assert.ok(pidLine, log);
});

test("quickstart leaves the server running at the printed address", async () => {
  const out = path.join(tmp, "serve");
  const run = quickstart(out, []);
  assert.equal(run.status, 0, `quickstart failed:\n${run.stdout}\n${run.stderr}`);
  const m = run.stdout.match(/winnow serve keeps running at (http:\S+) \(pid (\d+)/);
  assert.ok(m, run.stdout);
  const [, url, pidText] = m;
  const pid = Number(pidText);
  leftRunning.push(pid);
  assert.ok(alive(pid));
  const key = fs.readFileSync(path.join(out, "api-key"), "utf8").trim();
  assert.match(run.stdout, new RegExp(`WINNOW_API_KEY=${key}`));
  const model = run.stdout.match(/^fine_tuned_model: (\S+)$/m)[1];
  const models = await (await fetch(`${url}/v1/models`, { headers: { Authorization: `Bearer ${key}` } })).json();
  assert.ok(models.data.some((c) => c.id === model && c.type === "fine-tuned"), JSON.stringify(models));
  process.kill(pid, "SIGTERM");
  for (let i = 0; alive(pid) && i < 600; ++i) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!alive(pid), "SIGTERM stops the server");
});
