// Small helpers around the Mistral SDK for the compatibility tests.
import assert from "node:assert/strict";
import { Mistral } from "@mistralai/mistralai";

export function client(server, apiKey = "test-key") {
  return new Mistral({ apiKey, serverURL: server.url });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls GET job while its status is in `whileIn`; returns the first job outside it. The
// deadline only guards against a hang (it is not a speed check).
export async function waitJob(mistral, jobId, whileIn, { deadlineMs = 300_000, everyMs = 200 } = {}) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const job = await mistral.fineTuning.jobs.get({ jobId });
    if (!whileIn.includes(job.status)) return job;
    if (Date.now() > until) {
      throw new Error(`job ${jobId} still ${job.status} after ${deadlineMs} ms: ${JSON.stringify(job)}`);
    }
    await sleep(everyMs);
  }
}

export const PENDING_VALIDATION = ["QUEUED", "VALIDATING"];
export const PENDING_TRAINING = ["QUEUED", "STARTED", "RUNNING", "CANCELLATION_REQUESTED"];

export async function streamBytes(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

// Awaits `promise`, which must reject with an SDK error of class `errorClass` and HTTP `status`;
// returns the error.
export async function rejectsWith(promise, errorClass, status) {
  let error = null;
  try {
    const value = await promise;
    assert.fail(`expected HTTP ${status} (${errorClass.name}), got a success: ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    error = e;
  }
  assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error?.name}: ${error?.message}`);
  assert.equal(error.statusCode, status, error.message);
  return error;
}

// Unix seconds as an integer, as every timestamp on the wire must be.
export function assertEpochSeconds(value, what) {
  assert.ok(Number.isInteger(value), `${what} must be an integer epoch, got ${value}`);
  assert.ok(value > 1_600_000_000 && value < 4_000_000_000, `${what} = ${value} is not epoch seconds`);
}
