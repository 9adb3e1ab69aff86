// examples/tutorial.sh (the tutorial's calls as curl requests) against the real `winnow serve`:
// it must reach SUCCESS and classify; the job and model it reports are then checked with the SDK.
//
//   node tests/compat/tutorial_script.test.mjs [path/to/winnow]     (ctest: compat_tutorial_script)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { makeTutorialData } from "./lib/data.mjs";
import { client } from "./lib/sdk.mjs";
import { repoDir, startServer } from "./lib/server.mjs";

let tmp;
let server;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "winnow-tutorial-sh-"));
  server = await startServer({ dataDir: path.join(tmp, "winnow-data") });
});

after(async () => {
  if (server) assert.deepEqual(await server.stop(), { code: 0, signal: null });
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("examples/tutorial.sh uploads, trains, classifies and moderates over curl", () => {
  const data = makeTutorialData(path.join(tmp, "data"));
  const run = spawnSync("bash", [path.join(repoDir, "examples", "tutorial.sh"), "training_file.jsonl",
    "validation_file.jsonl"], {
    cwd: path.dirname(data.train),  // the tutorial's relative file names
    env: { ...process.env, WINNOW_URL: server.url, WINNOW_API_KEY: "test-key", POLL_SECONDS: "0.2" },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, `tutorial.sh failed:\n${run.stdout}\n${run.stderr}`);
  const model = run.stdout.match(/^fine_tuned_model: (ft:classifier:ministral-3b-latest:\S+)$/m)?.[1];
  const jobId = run.stdout.match(/^job_id: (\S+)$/m)?.[1];
  assert.ok(model && jobId, run.stdout);
  assert.match(run.stdout, /"moderation": \{\s*"scores"/, "classification results are printed");
  assert.match(run.stdout, /"category_scores"/, "moderation results are printed");
  assert.match(run.stderr, /status: VALIDATED/);
  assert.match(run.stderr, /status: SUCCESS/);
  return (async () => {
    const mistral = client(server);
    const job = await mistral.fineTuning.jobs.get({ jobId });
    assert.equal(job.jobType, "classifier");
    assert.equal(job.status, "SUCCESS");
    assert.equal(job.autoStart, false);
    assert.equal(job.fineTunedModel, model);
    assert.equal(job.hyperparameters.trainingSteps, 200);
    assert.equal(job.hyperparameters.learningRate, 0.00005);
    const files = await mistral.files.list();
    assert.deepEqual(files.data.map((f) => f.filename).sort(), ["training_file.jsonl", "validation_file.jsonl"]);
  })();
});

test("examples/tutorial.sh reads JSON with python3 when jq is not installed", () => {
  const data = makeTutorialData(path.join(tmp, "data-nojq"));
  // A PATH holding only what the script needs besides bash builtins, and no jq.
  const bin = path.join(tmp, "bin-nojq");
  fs.mkdirSync(bin);
  for (const tool of ["curl", "python3", "sleep"]) {
    // The real executable, not a wrapper script (pyenv shims need more than this PATH).
    const found = tool === "python3"
      ? spawnSync("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"], { encoding: "utf8" }).stdout.trim()
      : spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    assert.ok(found, `${tool} is needed`);
    fs.symlinkSync(found, path.join(bin, tool));
  }
  const run = spawnSync("/bin/bash", [path.join(repoDir, "examples", "tutorial.sh"), data.train, data.valid], {
    env: { PATH: bin, WINNOW_URL: server.url, WINNOW_API_KEY: "test-key", POLL_SECONDS: "0.2", TRAINING_STEPS: "20" },
    encoding: "utf8",
  });
  assert.equal(run.status, 0, `tutorial.sh without jq failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^fine_tuned_model: ft:classifier:ministral-3b-latest:\S+$/m);
  assert.match(run.stdout, /"scores": \{/, "python3 -m json.tool printed the classification");
});

test("examples/tutorial.sh stops with the server's error on a bad key", () => {
  const data = makeTutorialData(path.join(tmp, "data2"));
  const run = spawnSync("bash", [path.join(repoDir, "examples", "tutorial.sh"), data.train, data.valid], {
    env: { ...process.env, WINNOW_URL: server.url, WINNOW_API_KEY: "wrong" }, encoding: "utf8",
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /Unauthorized/);
  assert.match(run.stderr, /POST \/v1\/files failed/);
});
