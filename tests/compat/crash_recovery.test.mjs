// Crash recovery of the real `winnow serve`: kill -9 while a job is RUNNING, another waits
// QUEUED behind it and a large upload is half sent, then restart on the same data directory.
// Afterwards (API §4 and issue 4): the RUNNING job is FAILED with a reason naming the restart
// (or was resumed), the QUEUED job runs to SUCCESS, the VALIDATED one is untouched, every file
// that got a 200 is listed and downloads byte for byte, the half-uploaded file does not exist,
// and the model of a job that finished before the crash still classifies the same.
//
//   node tests/compat/crash_recovery.test.mjs [path/to/winnow]     (ctest: compat_crash_recovery)
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { CLEAN_TEXT, TOXIC_TEXT, makeTutorialData, syntheticLines } from "./lib/data.mjs";
import { PENDING_TRAINING, PENDING_VALIDATION, client, streamBytes, waitJob } from "./lib/sdk.mjs";
import { startServer } from "./lib/server.mjs";

const BASE = "ministral-3b-latest";
let tmp;
let dataDir;
let data;
let server = null;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "winnow-crash-"));
  dataDir = path.join(tmp, "winnow-data");
  data = makeTutorialData(path.join(tmp, "data"));
});

after(async () => {
  if (server) await server.crash();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// Opens a raw connection and sends the headers and the first `sentBytes` of a multipart upload
// announcing `totalBytes`; resolves once those bytes are written to the socket. The rest never
// comes.
function startHalfUpload(url, { filename, totalBytes, sentBytes }) {
  const { hostname, port } = new URL(url);
  const boundary = "----winnow-crash-test-boundary";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    "Content-Type: application/octet-stream\r\n\r\n");
  const line = Buffer.from('{"text": "half uploaded, must never be listed", "labels": {"moderation": ["safe"]}}\n');
  const chunk = Buffer.concat(Array(Math.ceil((1 << 20) / line.length)).fill(line));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, async () => {
      socket.write(
        `POST /v1/files HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer test-key\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${totalBytes}\r\n\r\n`);
      socket.write(head);
      let sent = head.length;
      while (sent < sentBytes) {
        const ok = socket.write(chunk);
        sent += chunk.length;
        if (!ok) await new Promise((r) => socket.once("drain", r));
      }
      socket.write(Buffer.alloc(0), () => resolve(socket));
    });
    socket.on("error", (e) => {
      if (e.code !== "ECONNRESET" && e.code !== "EPIPE") reject(e);
    });
  });
}

const sha = (b) => createHash("sha256").update(b).digest("hex");

test("kill -9 during training and an upload, restart: the store is consistent", async () => {
  server = await startServer({ dataDir, args: ["--workers", "1"] });
  let mistral = client(server);

  // Files acknowledged with a 200, by id.
  const acked = new Map();
  const upload = async (fileName, content) => {
    const f = await mistral.files.upload({ file: { fileName, content } });
    assert.equal(f.sizeBytes, content.length);
    acked.set(f.id, { fileName, sha: sha(content), bytes: content.length });
    return f;
  };
  const train = await upload("training_file.jsonl", fs.readFileSync(data.train));
  const valid = await upload("validation_file.jsonl", fs.readFileSync(data.valid));
  for (let i = 0; i < 4; ++i) await upload(`extra_${i}.jsonl`, Buffer.from(syntheticLines(50 + 400 * i, 10 + i)));
  const jobArgs = (steps, autoStart) => ({
    model: BASE, jobType: "classifier",
    trainingFiles: [{ fileId: train.id, weight: 1 }], validationFiles: [valid.id],
    hyperparameters: { trainingSteps: steps, learningRate: 0.0001 }, autoStart,
  });

  // A job that finishes before the crash; its model must survive.
  const finished = await mistral.fineTuning.jobs.create(jobArgs(20, true));
  const finishedDone = await waitJob(mistral, finished.id, [...PENDING_VALIDATION, "VALIDATED", ...PENDING_TRAINING]);
  assert.equal(finishedDone.status, "SUCCESS", JSON.stringify(finishedDone.events));
  const modelId = finishedDone.fineTunedModel;
  const scoresBefore = await mistral.classifiers.classify({ model: modelId, inputs: [TOXIC_TEXT, CLEAN_TEXT] });

  // One job left VALIDATED, one RUNNING for a long time, one QUEUED behind it (one worker).
  const validated = await mistral.fineTuning.jobs.create(jobArgs(30, false));
  assert.equal((await waitJob(mistral, validated.id, PENDING_VALIDATION)).status, "VALIDATED");
  const running = await mistral.fineTuning.jobs.create(jobArgs(5_000_000, true));
  const runningNow = await waitJob(mistral, running.id, [...PENDING_VALIDATION, "VALIDATED"]);
  assert.equal(runningNow.status, "RUNNING", JSON.stringify(runningNow.events));
  const queued = await mistral.fineTuning.jobs.create(jobArgs(40, true));
  const queuedNow = await mistral.fineTuning.jobs.get({ jobId: queued.id });
  assert.ok(["QUEUED", "VALIDATING", "VALIDATED"].includes(queuedNow.status),
    `with its one worker busy, the new job waits: ${queuedNow.status}`);

  const half = await startHalfUpload(server.url, {
    filename: "half_uploaded.jsonl", totalBytes: 64 << 20, sentBytes: 8 << 20,
  });
  // A last upload acknowledged just before the crash must be durable too.
  await upload("acked_last.jsonl", Buffer.from(syntheticLines(300, 99)));

  const crashed = await server.crash();
  assert.equal(crashed.signal, "SIGKILL");
  half.destroy();
  server = null;

  server = await startServer({ dataDir, args: ["--workers", "1"] });
  mistral = client(server);

  // Files: exactly the acknowledged ones, byte-identical; the half upload is nowhere.
  const list = await mistral.files.list({ pageSize: 100 });
  assert.deepEqual(list.data.map((f) => f.id).sort(), [...acked.keys()].sort());
  assert.equal(list.total, acked.size);
  assert.ok(!list.data.some((f) => f.filename === "half_uploaded.jsonl"));
  for (const [id, want] of acked) {
    const meta = await mistral.files.retrieve({ fileId: id });
    assert.equal(meta.filename, want.fileName);
    assert.equal(meta.sizeBytes, want.bytes);
    const got = await streamBytes(await mistral.files.download({ fileId: id }));
    assert.equal(sha(got), want.sha, `${want.fileName} changed across the crash`);
  }

  // The RUNNING job: FAILED naming the restart, or resumed to the end.
  const r = await mistral.fineTuning.jobs.get({ jobId: running.id });
  assert.equal(r.jobType, "classifier");
  if (r.status === "FAILED") {
    const failedEvent = r.events.at(-1);
    assert.equal(failedEvent.data.status, "FAILED");
    assert.match(String(failedEvent.data.error), /restart/i, JSON.stringify(failedEvent));
    assert.equal(r.fineTunedModel ?? null, null);
  } else {
    assert.ok(["QUEUED", "RUNNING"].includes(r.status), `after restart the running job is ${r.status}`);
    await mistral.fineTuning.jobs.cancel({ jobId: running.id });  // resumed: do not train 5M steps
    assert.equal((await waitJob(mistral, running.id, PENDING_TRAINING)).status, "CANCELLED");
  }

  // The waiting job runs again, to the end.
  const q = await waitJob(mistral, queued.id, [...PENDING_VALIDATION, "VALIDATED", ...PENDING_TRAINING]);
  assert.equal(q.status, "SUCCESS", JSON.stringify(q.events));
  const qScores = await mistral.classifiers.classify({ model: q.fineTunedModel, inputs: [TOXIC_TEXT] });
  assert.equal(qScores.results.length, 1);

  // Untouched: the VALIDATED job and the model trained before the crash.
  const v = await mistral.fineTuning.jobs.get({ jobId: validated.id });
  assert.equal(v.status, "VALIDATED");
  assert.equal((await mistral.fineTuning.jobs.get({ jobId: finished.id })).status, "SUCCESS");
  const scoresAfter = await mistral.classifiers.classify({ model: modelId, inputs: [TOXIC_TEXT, CLEAN_TEXT] });
  assert.deepEqual(scoresAfter.results, scoresBefore.results);
  const models = await mistral.models.list();
  assert.ok(models.data.some((c) => c.id === modelId && c.type === "fine-tuned"));

  const stopped = await server.stop();
  server = null;
  assert.deepEqual(stopped, { code: 0, signal: null });
});
