// The official Mistral TypeScript SDK (@mistralai/mistralai 2.4.0, pinned) against the real
// `winnow serve`, changing nothing but the server URL: the tutorial's flow, then every file, job,
// model and classifier call the SDK has for the Classifier Factory, and its error types.
// Asserts the SDK's discriminators (jobType, type, modelType): SDK 2.x silently returns an
// "UNKNOWN" object instead of throwing when a response does not match its schema.
//
//   node tests/compat/sdk_compat.test.mjs [path/to/winnow]     (ctest: compat_sdk)
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { HTTPValidationError, SDKError } from "@mistralai/mistralai/models/errors";
import {
  CLEAN_TEXT, TOXIC_TEXT, inferTargets, makeTutorialData, nonEmptyLineCount,
} from "./lib/data.mjs";
import {
  PENDING_TRAINING, PENDING_VALIDATION, assertEpochSeconds, client, rejectsWith, streamBytes, waitJob,
} from "./lib/sdk.mjs";
import { startServer } from "./lib/server.mjs";

const BASE = "ministral-3b-latest";
const FT_ID = /^ft:classifier:ministral-3b-latest:[0-9a-f]{8}:(\d{8}):([0-9a-f]{8})$/;

let tmp;
let server;
let mistral;
let data;  // { train, valid, source }
const bytes = {};  // file contents as uploaded
const st = {};     // state shared by the steps below (they run in order)

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "winnow-compat-"));
  data = makeTutorialData(path.join(tmp, "data"));
  bytes.train = fs.readFileSync(data.train);
  bytes.valid = fs.readFileSync(data.valid);
  server = await startServer({ dataDir: path.join(tmp, "winnow-data"), args: ["--workers", "1"] });
  mistral = client(server);
});

after(async () => {
  if (server) {
    const { code, signal } = await server.stop();
    assert.equal(signal, null, "SIGTERM must stop the server cleanly, not kill it");
    assert.equal(code, 0, `winnow serve exit status after SIGTERM\n${server.stderr()}`);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("auth: a wrong key or no key gets 401 {message: Unauthorized, request_id}", async () => {
  const wrong = client(server, "not-the-key");
  const e = await rejectsWith(wrong.models.list(), SDKError, 401);
  const body = JSON.parse(e.body);
  assert.equal(body.message, "Unauthorized");
  assert.match(body.request_id, /^[0-9a-f]{32}$/);
  const none = await fetch(`${server.url}/v1/models`);
  assert.equal(none.status, 401);
  assert.equal((await none.json()).message, "Unauthorized");
  const info = await fetch(`${server.url}/v1/winnow/info`);  // needs no key
  assert.equal(info.status, 200);
  assert.equal((await info.json()).auth_required, true);
});

test("tutorial: upload the training and validation files", async () => {
  st.train = await mistral.files.upload({ file: { fileName: "training_file.jsonl", content: bytes.train } });
  st.valid = await mistral.files.upload({
    file: { fileName: "validation_file.jsonl", content: bytes.valid }, purpose: "fine-tune",
  });
  for (const [f, name, content] of [[st.train, "training_file.jsonl", bytes.train],
                                    [st.valid, "validation_file.jsonl", bytes.valid]]) {
    assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(f.object, "file");
    assert.equal(f.filename, name);
    assert.equal(f.sizeBytes, content.length);
    assert.equal(f.numLines, nonEmptyLineCount(content.toString("utf8")));
    assert.equal(f.purpose, "fine-tune");
    assert.equal(f.source, "upload");
    assertEpochSeconds(f.createdAt, "file created_at");
  }
  assert.notEqual(st.train.id, st.valid.id);
});

test("tutorial: create with autoStart false stops at VALIDATED with targets, epochs, metadata", async () => {
  const job = await mistral.fineTuning.jobs.create({
    model: BASE,
    jobType: "classifier",
    trainingFiles: [{ fileId: st.train.id, weight: 1 }],
    validationFiles: [st.valid.id],
    hyperparameters: { trainingSteps: 200, learningRate: 0.00005 },
    autoStart: false,
  });
  assert.equal(job.jobType, "classifier", `create answered a job the SDK could not parse: ${JSON.stringify(job.raw ?? job)}`);
  assert.equal(job.object, "job");
  assert.equal(job.status, "QUEUED");
  assert.equal(job.model, BASE);
  assert.equal(job.autoStart, false);
  assert.deepEqual(job.trainingFiles, [st.train.id]);
  assert.deepEqual(job.validationFiles, [st.valid.id]);
  assert.equal(job.hyperparameters.trainingSteps, 200);
  assert.equal(job.hyperparameters.learningRate, 0.00005);
  assert.equal(job.fineTunedModel ?? null, null);
  assertEpochSeconds(job.createdAt, "job created_at");
  st.job = job;

  const validated = await waitJob(mistral, job.id, PENDING_VALIDATION);
  assert.equal(validated.jobType, "classifier", JSON.stringify(validated.raw ?? validated));
  assert.equal(validated.status, "VALIDATED", JSON.stringify(validated.events));
  const expected = inferTargets(bytes.train.toString("utf8"));
  assert.deepEqual(
    validated.classifierTargets.map((t) => ({ name: t.name, labels: t.labels, lossFunction: t.lossFunction })),
    expected);
  for (const t of validated.classifierTargets) assert.equal(t.weight, 1);
  assert.ok(validated.hyperparameters.epochs > 0, `epochs at VALIDATED: ${validated.hyperparameters.epochs}`);
  const md = validated.metadata;
  assert.ok(md, "metadata must be filled in at VALIDATED");
  for (const k of ["trainTokensPerStep", "trainTokens", "dataTokens"]) {
    assert.ok(Number.isInteger(md[k]) && md[k] > 0, `metadata.${k} = ${md[k]}`);
  }
  assert.equal(md.trainTokens, md.trainTokensPerStep * 200);
  assert.ok(Number.isInteger(md.expectedDurationSeconds), `expected_duration_seconds ${md.expectedDurationSeconds}`);
  assert.deepEqual(validated.events.map((e) => e.data?.status), ["QUEUED", "VALIDATING", "VALIDATED"]);
  for (const e of validated.events) {
    assert.equal(e.name, "status-updated");
    assertEpochSeconds(e.createdAt, "event created_at");
  }
  assert.ok(validated.modifiedAt >= validated.createdAt);
  // auto_start false: nothing trains until /start.
  const again = await mistral.fineTuning.jobs.get({ jobId: job.id });
  assert.equal(again.status, "VALIDATED");
  st.validated = validated;
});

test("tutorial: start, train to SUCCESS, classify, models.list", async () => {
  const started = await mistral.fineTuning.jobs.start({ jobId: st.job.id });
  assert.equal(started.jobType, "classifier", JSON.stringify(started.raw ?? started));
  assert.ok(["QUEUED", "RUNNING"].includes(started.status), `status after start: ${started.status}`);
  assertEpochSeconds(started.metadata?.estimatedStartTime, "metadata.estimated_start_time after start");

  const done = await waitJob(mistral, st.job.id, PENDING_TRAINING);
  assert.equal(done.jobType, "classifier");
  assert.equal(done.status, "SUCCESS", JSON.stringify(done.events));
  const m = done.fineTunedModel.match(FT_ID);
  assert.ok(m, `fine_tuned_model ${done.fineTunedModel}`);
  assert.equal(m[2], st.job.id.slice(0, 8));
  assert.equal(m[1], new Date(st.job.createdAt * 1000).toISOString().slice(0, 10).replaceAll("-", ""));
  assert.ok(Number.isInteger(done.trainedTokens) && done.trainedTokens > 0, `trained_tokens ${done.trainedTokens}`);
  const statuses = done.events.map((e) => e.data?.status);
  assert.deepEqual(statuses.slice(0, 3), ["QUEUED", "VALIDATING", "VALIDATED"]);
  assert.deepEqual(statuses.slice(-2), ["RUNNING", "SUCCESS"]);
  assert.ok(done.checkpoints.length > 0, "checkpoints while running");
  const steps = done.checkpoints.map((c) => c.stepNumber);
  assert.deepEqual(steps, [...steps].sort((a, b) => b - a), "checkpoints newest first");
  assert.equal(steps[0], 200);
  for (const c of done.checkpoints) {
    assert.ok(Number.isInteger(c.stepNumber));
    assertEpochSeconds(c.createdAt, "checkpoint created_at");
    assert.equal(typeof c.metrics.trainLoss, "number");
  }
  const last = done.checkpoints[0].metrics;
  assert.equal(typeof last.validLoss, "number", "the last step is evaluated on the validation file");
  assert.ok(last.validMeanTokenAccuracy >= 0 && last.validMeanTokenAccuracy <= 1);
  st.model = done.fineTunedModel;
  st.targets = done.classifierTargets;

  const res = await mistral.classifiers.classify({ model: st.model, inputs: [TOXIC_TEXT, CLEAN_TEXT] });
  assert.match(res.id, /^[0-9a-f]{32}$/);
  assert.equal(res.model, st.model);
  assert.equal(res.results.length, 2);
  const labels = st.targets[0].labels;
  for (const r of res.results) {
    assert.deepEqual(Object.keys(r), st.targets.map((t) => t.name));
    assert.deepEqual(Object.keys(r.moderation.scores), labels, "score keys in the target's label order");
    for (const s of Object.values(r.moderation.scores)) assert.ok(s >= 0 && s <= 1, `score ${s}`);
  }
  // The model learned something: the insult is more toxic than the thank-you note.
  assert.ok(res.results[0].moderation.scores.toxicity > res.results[1].moderation.scores.toxicity,
    JSON.stringify(res.results));
  st.scores = res.results;

  const one = await mistral.classifiers.classify({ model: st.model, inputs: TOXIC_TEXT });  // bare string
  assert.equal(one.results.length, 1);
  assert.deepEqual(one.results[0], res.results[0], "the same text scores the same");

  const models = await mistral.models.list();
  assert.equal(models.object, "list");
  const card = models.data.find((c) => c.id === st.model);
  assert.ok(card, `models.list lacks ${st.model}: ${models.data.map((c) => c.id)}`);
  assert.equal(card.type, "fine-tuned");
  assert.equal(card.job, st.job.id);
  assert.equal(card.root, BASE);
  assert.equal(card.archived, false);
  assert.equal(card.capabilities.classification, true);
  assertEpochSeconds(card.created, "model created");
  const base = models.data.find((c) => c.id === BASE);
  assert.equal(base?.type, "base");
  assert.equal(base.capabilities.fineTuning, true);
  assert.ok(models.data.some((c) => c.id === "winnow-linear" && c.type === "base"));
  assert.ok(models.data.some((c) => c.id === "ministral-8b-latest" && c.type === "base"));
});

test("files: list, retrieve, download (bytes equal), signed URL, delete", async () => {
  const list = await mistral.files.list();
  assert.equal(list.object, "list");
  const ids = list.data.map((f) => f.id);
  assert.ok(ids.includes(st.train.id) && ids.includes(st.valid.id), JSON.stringify(ids));
  assert.ok(list.total >= 2);
  const page = await mistral.files.list({ page: 0, pageSize: 1 });
  assert.equal(page.data.length, 1);
  assert.equal(page.total, list.total);
  const searched = await mistral.files.list({ search: "validation_file" });
  assert.deepEqual(searched.data.map((f) => f.id), [st.valid.id]);

  const got = await mistral.files.retrieve({ fileId: st.train.id });
  assert.equal(got.deleted, false);
  for (const k of ["id", "object", "sizeBytes", "createdAt", "filename", "purpose", "numLines", "source", "signature"]) {
    assert.deepEqual(got[k], st.train[k], k);
  }

  const body = await streamBytes(await mistral.files.download({ fileId: st.train.id }));
  assert.ok(body.equals(bytes.train), "download must return the uploaded bytes");

  const signed = await mistral.files.getSignedUrl({ fileId: st.valid.id });
  assert.equal(typeof signed.url, "string");
  const viaUrl = await fetch(signed.url);  // no Authorization header
  assert.equal(viaUrl.status, 200);
  assert.ok(Buffer.from(await viaUrl.arrayBuffer()).equals(bytes.valid));
  const u = new URL(signed.url);
  const sig = u.searchParams.get("sig");
  assert.ok(sig, `signed URL without sig: ${signed.url}`);
  u.searchParams.set("sig", sig.replace(/.$/, (c) => (c === "0" ? "1" : "0")));
  assert.equal((await fetch(u)).status, 403, "a tampered signature is refused");

  const extra = Buffer.from('{"text": "to be deleted", "labels": {"moderation": ["safe"]}}\n');
  const doomed = await mistral.files.upload({ file: { fileName: "doomed.jsonl", content: extra } });
  const deleted = await mistral.files.delete({ fileId: doomed.id });
  assert.deepEqual({ ...deleted }, { id: doomed.id, object: "file", deleted: true });
  await rejectsWith(mistral.files.retrieve({ fileId: doomed.id }), SDKError, 404);
  await rejectsWith(mistral.files.download({ fileId: doomed.id }), SDKError, 404);
  const after = await mistral.files.list();
  assert.ok(!after.data.some((f) => f.id === doomed.id));
  assert.equal(after.total, list.total);
});

test("classifiers: classifyChat, moderate, moderateChat", async () => {
  const chat = await mistral.classifiers.classifyChat({
    model: st.model,
    input: [
      { messages: [{ role: "user", content: TOXIC_TEXT }] },
      { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: CLEAN_TEXT }] },
    ],
  });
  assert.equal(chat.model, st.model);
  assert.equal(chat.results.length, 2);
  for (const r of chat.results) {
    assert.deepEqual(Object.keys(r.moderation.scores), st.targets[0].labels);
  }
  const single = await mistral.classifiers.classifyChat({
    model: st.model, input: { messages: [{ role: "user", content: CLEAN_TEXT }] },
  });
  assert.equal(single.results.length, 1);

  const mod = await mistral.classifiers.moderate({ model: st.model, inputs: [TOXIC_TEXT, CLEAN_TEXT] });
  assert.match(mod.id, /^[0-9a-f]{32}$/);
  assert.equal(mod.model, st.model);
  assert.equal(mod.results.length, 2);
  mod.results.forEach((r, i) => {
    // One head: categories are the bare labels, scores equal /v1/classifications'.
    assert.deepEqual(Object.keys(r.categoryScores), st.targets[0].labels);
    assert.deepEqual(Object.keys(r.categories), st.targets[0].labels);
    for (const [label, flagged] of Object.entries(r.categories)) {
      assert.equal(typeof flagged, "boolean");
      assert.ok(Math.abs(r.categoryScores[label] - st.scores[i].moderation.scores[label]) < 1e-6, label);
    }
  });
  assert.equal(mod.results[0].categories.toxicity, true, JSON.stringify(mod.results[0]));

  const modChat = await mistral.classifiers.moderateChat({
    model: st.model, inputs: [{ role: "user", content: TOXIC_TEXT }],
  });
  assert.equal(modChat.results.length, 1);
  assert.deepEqual(Object.keys(modChat.results[0].categoryScores), st.targets[0].labels);
  const modChats = await mistral.classifiers.moderateChat({
    model: st.model,
    inputs: [[{ role: "user", content: TOXIC_TEXT }], [{ role: "user", content: CLEAN_TEXT }]],
  });
  assert.equal(modChats.results.length, 2);
  await rejectsWith(mistral.classifiers.moderate({ model: "mistral-moderation-latest", inputs: ["x"] }), SDKError, 404);
});

test("jobs: list with status, model and createdAfter/createdBefore filters; 409 on a duplicate", async () => {
  const other = await mistral.fineTuning.jobs.create({
    model: "winnow-linear", jobType: "classifier",
    trainingFiles: [{ fileId: st.train.id, weight: 1 }],
    hyperparameters: { trainingSteps: 10, learningRate: 0.0001 }, autoStart: false,
  });
  assert.equal(other.jobType, "classifier");
  assert.equal(other.model, "winnow-linear");
  st.other = await waitJob(mistral, other.id, PENDING_VALIDATION);
  assert.equal(st.other.status, "VALIDATED");

  const all = await mistral.fineTuning.jobs.list();
  assert.equal(all.object, "list");
  assert.equal(all.total, 2);
  assert.deepEqual(all.data.map((j) => j.id).sort(), [st.job.id, other.id].sort());
  for (const j of all.data) assert.equal(j.jobType, "classifier", JSON.stringify(j.raw ?? j));

  const success = await mistral.fineTuning.jobs.list({ status: "SUCCESS" });
  assert.deepEqual(success.data.map((j) => j.id), [st.job.id]);
  assert.equal(success.total, 1);
  const validated = await mistral.fineTuning.jobs.list({ status: "VALIDATED" });
  assert.deepEqual(validated.data.map((j) => j.id), [other.id]);
  const byModel = await mistral.fineTuning.jobs.list({ model: "winnow-linear" });
  assert.deepEqual(byModel.data.map((j) => j.id), [other.id]);
  const both = await mistral.fineTuning.jobs.list({ model: BASE, status: "VALIDATED" });
  assert.equal(both.total, 0);
  assert.deepEqual(both.data, []);

  const since = await mistral.fineTuning.jobs.list({ createdAfter: new Date(st.job.createdAt * 1000) });
  assert.equal(since.total, 2, "created_after is inclusive");
  const future = await mistral.fineTuning.jobs.list({ createdAfter: new Date(Date.now() + 86_400_000) });
  assert.equal(future.total, 0);
  assert.deepEqual(future.data, []);
  const before = await mistral.fineTuning.jobs.list({ createdBefore: new Date((st.job.createdAt - 60) * 1000) });
  assert.equal(before.total, 0);
  const paged = await mistral.fineTuning.jobs.list({ page: 0, pageSize: 1 });
  assert.equal(paged.data.length, 1);
  assert.equal(paged.total, 2);

  // The same parameters while the first is still VALIDATED: a conflict.
  const dup = await rejectsWith(mistral.fineTuning.jobs.create({
    model: "winnow-linear", jobType: "classifier",
    trainingFiles: [{ fileId: st.train.id, weight: 1 }],
    hyperparameters: { trainingSteps: 10, learningRate: 0.0001 }, autoStart: false,
  }), SDKError, 409);
  assert.equal(typeof JSON.parse(dup.body).detail, "string");
});

test("jobs: cancel a RUNNING job; illegal transitions are 400", async () => {
  const long = await mistral.fineTuning.jobs.create({
    model: BASE, jobType: "classifier",
    trainingFiles: [{ fileId: st.train.id, weight: 1 }], validationFiles: [st.valid.id],
    hyperparameters: { trainingSteps: 5_000_000, learningRate: 0.0001 }, autoStart: true,
  });
  assert.equal(long.autoStart, true);
  const running = await waitJob(mistral, long.id, ["QUEUED", "VALIDATING", "VALIDATED"]);
  assert.equal(running.status, "RUNNING", JSON.stringify(running.events));

  const cancelled = await mistral.fineTuning.jobs.cancel({ jobId: long.id });
  assert.equal(cancelled.jobType, "classifier", JSON.stringify(cancelled.raw ?? cancelled));
  assert.ok(["CANCELLATION_REQUESTED", "CANCELLED"].includes(cancelled.status), cancelled.status);
  const final = await waitJob(mistral, long.id, ["RUNNING", "CANCELLATION_REQUESTED"]);
  assert.equal(final.status, "CANCELLED");
  assert.equal(final.fineTunedModel ?? null, null);
  assert.equal(final.events.at(-1).data.status, "CANCELLED");
  const list = await mistral.fineTuning.jobs.list({ status: "CANCELLED" });
  assert.deepEqual(list.data.map((j) => j.id), [long.id]);

  const e1 = await rejectsWith(mistral.fineTuning.jobs.cancel({ jobId: long.id }), SDKError, 400);
  assert.equal(typeof JSON.parse(e1.body).detail, "string");
  await rejectsWith(mistral.fineTuning.jobs.start({ jobId: st.job.id }), SDKError, 400);  // SUCCESS

  // A VALIDATED job cancels at once.
  const c2 = await mistral.fineTuning.jobs.cancel({ jobId: st.other.id });
  assert.equal(c2.status, "CANCELLED");
  await rejectsWith(mistral.fineTuning.jobs.start({ jobId: st.other.id }), SDKError, 400);
});

test("errors: 404 as SDKError, 422 as HTTPValidationError with detail[].loc", async () => {
  const noJob = await rejectsWith(mistral.fineTuning.jobs.get({ jobId: randomUUID() }), SDKError, 404);
  assert.equal(JSON.parse(noJob.body).detail, "No fine tuning job matches the given query.");
  assert.match(noJob.contentType, /^application\/json/);
  await rejectsWith(mistral.files.retrieve({ fileId: randomUUID() }), SDKError, 404);
  await rejectsWith(mistral.models.retrieve({ modelId: "ft:classifier:nope:00000000:20260101:00000000" }), SDKError, 404);

  const empty = await rejectsWith(mistral.classifiers.classify({ model: st.model, inputs: [] }), HTTPValidationError, 422);
  assert.ok(Array.isArray(empty.detail) && empty.detail.length > 0, empty.body);
  assert.ok(Array.isArray(empty.detail[0].loc), empty.body);
  assert.deepEqual(empty.detail[0].loc.slice(0, 2), ["body", "input"]);
  assert.equal(typeof empty.detail[0].msg, "string");
  assert.equal(typeof empty.detail[0].type, "string");
  const missing = await rejectsWith(
    mistral.classifiers.classify({ model: st.model, inputs: "" }), HTTPValidationError, 422);
  assert.equal(missing.detail[0].loc[0], "body");
  const tooMany = await rejectsWith(
    mistral.classifiers.classify({ model: st.model, inputs: Array(513).fill("x") }), HTTPValidationError, 422);
  assert.equal(tooMany.detail[0].loc[0], "body");

  // Job creation: no training file (422), an unknown base model (422), an unknown file (404).
  const noFiles = await rejectsWith(mistral.fineTuning.jobs.create({
    model: BASE, jobType: "classifier", trainingFiles: [], hyperparameters: { learningRate: 0.0001 },
  }), SDKError, 422);
  assert.ok(Array.isArray(JSON.parse(noFiles.body).detail), noFiles.body);
  const badModel = await rejectsWith(mistral.fineTuning.jobs.create({
    model: "mistral-large-latest", jobType: "classifier", trainingFiles: [{ fileId: st.train.id, weight: 1 }],
    hyperparameters: { learningRate: 0.0001 },
  }), SDKError, 422);
  assert.equal(typeof JSON.parse(badModel.body).detail, "string");
  await rejectsWith(mistral.fineTuning.jobs.create({
    model: BASE, jobType: "classifier", trainingFiles: [{ fileId: randomUUID(), weight: 1 }],
    hyperparameters: { learningRate: 0.0001 },
  }), SDKError, 404);
  const outOfRange = await rejectsWith(mistral.fineTuning.jobs.create({
    model: BASE, jobType: "classifier", trainingFiles: [{ fileId: st.train.id, weight: 1 }],
    hyperparameters: { learningRate: 5 },
  }), SDKError, 422);
  assert.ok(JSON.stringify(JSON.parse(outOfRange.body).detail).includes("learning_rate"), outOfRange.body);

  const route = await fetch(`${server.url}/v1/no-such-route`, { headers: { Authorization: "Bearer test-key" } });
  assert.equal(route.status, 404);
  assert.deepEqual(await route.json(), { detail: "Not Found" });
});

test("models: retrieve, update, archive, unarchive, delete", async () => {
  const card = await mistral.models.retrieve({ modelId: st.model });  // id percent-encoded by the SDK
  assert.equal(card.type, "fine-tuned", JSON.stringify(card.raw ?? card));
  assert.equal(card.id, st.model);
  assert.equal(card.job, st.job.id);

  const updated = await mistral.models.update({
    modelId: st.model, updateModelRequest: { name: "toxicity-v1", description: "moderation heads" },
  });
  assert.equal(updated.modelType, "classifier", JSON.stringify(updated.raw ?? updated));
  assert.equal(updated.id, st.model);
  assert.equal(updated.name, "toxicity-v1");
  assert.equal(updated.description, "moderation heads");
  assert.equal(updated.root, BASE);
  assert.equal(updated.archived, false);
  assert.equal(updated.capabilities.completionChat, false);
  assert.equal(updated.capabilities.classification, true);
  assert.deepEqual(updated.classifierTargets, st.targets);
  const renamed = await mistral.models.retrieve({ modelId: st.model });
  assert.equal(renamed.name, "toxicity-v1");
  assert.equal(renamed.description, "moderation heads");

  const archived = await mistral.models.archive({ modelId: st.model });
  assert.deepEqual({ ...archived }, { id: st.model, object: "model", archived: true });
  assert.equal((await mistral.models.retrieve({ modelId: st.model })).archived, true);
  const listed = (await mistral.models.list()).data.find((c) => c.id === st.model);
  assert.equal(listed?.archived, true, "an archived model stays listed");
  const stillClassifies = await mistral.classifiers.classify({ model: st.model, inputs: [TOXIC_TEXT] });
  assert.deepEqual(stillClassifies.results[0], st.scores[0]);
  const again = await mistral.models.archive({ modelId: st.model });  // idempotent
  assert.equal(again.archived, true);

  const unarchived = await mistral.models.unarchive({ modelId: st.model });
  assert.deepEqual({ ...unarchived }, { id: st.model, object: "model", archived: false });
  assert.equal((await mistral.models.retrieve({ modelId: st.model })).archived, false);

  await rejectsWith(mistral.models.delete({ modelId: BASE }), SDKError, 400);
  const deleted = await mistral.models.delete({ modelId: st.model });
  assert.deepEqual({ ...deleted }, { id: st.model, object: "model", deleted: true });
  await rejectsWith(mistral.models.retrieve({ modelId: st.model }), SDKError, 404);
  await rejectsWith(mistral.classifiers.classify({ model: st.model, inputs: ["x"] }), SDKError, 404);
  assert.ok(!(await mistral.models.list()).data.some((c) => c.id === st.model));
  const job = await mistral.fineTuning.jobs.get({ jobId: st.job.id });
  assert.equal(job.fineTunedModel, st.model, "the job keeps its fine_tuned_model");
});
