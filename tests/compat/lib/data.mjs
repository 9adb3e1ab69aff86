// Training data made at test time: the tutorial's civil_spans split prepared by the real
// `winnow prepare` when ../shared/data is present, else a small synthetic moderation set with
// the same shape ({"text", "labels": {"moderation": [...]}}). Never copied into the repository.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoDir, winnowBinary } from "./server.mjs";

export function sharedDataDir() {
  return process.env.WINNOW_SHARED_DATA ?? path.resolve(repoDir, "..", "shared", "data");
}

export function civilSpansDir() {
  const dir = path.join(sharedDataDir(), "civil_spans");
  return fs.existsSync(path.join(dir, "train.csv")) ? dir : null;
}

// Deterministic toy moderation data: clean news-like sentences, insults, threats and both.
export function syntheticLines(n, seed) {
  const toxic = ["idiot", "moron", "stupid", "loser", "clown"];
  const threat = ["kill", "hurt", "destroy", "burn"];
  const filler = ["the", "news", "today", "about", "city", "council", "vote", "was", "park", "budget"];
  let state = (seed * 2654435761 + 1) >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 8;
  const lines = [];
  for (let i = 0; i < n; ++i) {
    const words = [];
    for (let w = 0; w < 6; ++w) words.push(filler[next() % filler.length]);
    let labels;
    switch (i % 4) {
      case 0: labels = ["safe"]; break;
      case 1: words.push("you", toxic[next() % toxic.length]); labels = ["toxicity", "insult"]; break;
      case 2: words.push("I will", threat[next() % threat.length], "you"); labels = ["toxicity", "threat"]; break;
      default: words.push("you", toxic[next() % toxic.length], "I will", threat[next() % threat.length], "you");
        labels = ["toxicity", "insult", "threat"];
    }
    lines.push(JSON.stringify({ text: words.join(" "), labels: { moderation: labels } }));
  }
  return lines.join("\n") + "\n";
}

// Writes training_file.jsonl and validation_file.jsonl into `dir`; returns their paths and
// where they came from.
export function makeTutorialData(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const civil = civilSpansDir();
  if (civil) {
    execFileSync(winnowBinary(), ["prepare", "--input", civil, "--out", dir, "--quiet"], { stdio: "pipe" });
    return {
      train: path.join(dir, "training_file.jsonl"),
      valid: path.join(dir, "validation_file.jsonl"),
      test: path.join(dir, "test_file.jsonl"),
      source: "civil_spans",
    };
  }
  const train = path.join(dir, "training_file.jsonl");
  const valid = path.join(dir, "validation_file.jsonl");
  fs.writeFileSync(train, syntheticLines(400, 1));
  fs.writeFileSync(valid, syntheticLines(80, 2));
  return { train, valid, test: null, source: "synthetic" };
}

// Heads and their labels in order of first appearance, as the service infers them (§5.2);
// a head is multi_class when any value is a list.
export function inferTargets(jsonlText) {
  const heads = new Map();
  for (const line of jsonlText.split("\n")) {
    if (!line.trim()) continue;
    const { labels } = JSON.parse(line);
    for (const [head, value] of Object.entries(labels)) {
      if (!heads.has(head)) heads.set(head, { labels: [], multi: false });
      const h = heads.get(head);
      const values = Array.isArray(value) ? value : [value];
      if (Array.isArray(value)) h.multi = true;
      for (const v of values) if (!h.labels.includes(v)) h.labels.push(v);
    }
  }
  return [...heads].map(([name, h]) => ({
    name, labels: h.labels, lossFunction: h.multi ? "multi_class" : "single_class",
  }));
}

export function nonEmptyLineCount(text) {
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

// Texts to classify: an obvious insult and an obviously clean sentence for the data in use.
export const TOXIC_TEXT = "You are an idiot and a stupid moron, everyone knows it.";
export const CLEAN_TEXT = "Thanks for the thoughtful article about the city council budget vote.";
