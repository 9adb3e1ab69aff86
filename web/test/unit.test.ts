// Unit tests of the dashboard's DOM-free helpers, run under node (npm test).
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeErrorBody } from "../src/api/errors";
import type { BiasAuditLabel, BiasAuditSubgroup, ModelMetrics } from "../src/api/types";
import { formatBytes, formatMetric, formatPercent } from "../src/components/format";
import { averagedText, subgroupRows } from "../src/lib/bias_audit";
import { byteToUtf16, segments } from "../src/lib/highlight";
import { splitProblem } from "../src/lib/problems";
import { thresholdsFrom } from "../src/lib/thresholds";
import { link, parseHash } from "../src/router";

test("describeErrorBody reads every error shape of the contract", () => {
  assert.equal(describeErrorBody(404, '{"detail":"File not found"}'), "File not found");
  assert.equal(
    describeErrorBody(
      422,
      '{"detail":[{"type":"value_error","loc":["body","file"],"msg":"Value error, the file is empty"}]}',
    ),
    "body.file: Value error, the file is empty",
  );
  assert.equal(
    describeErrorBody(
      422,
      '{"detail":[{"loc":["body","input"],"msg":"Field required"},{"loc":["query","lines"],"msg":"too big"}]}',
    ),
    "body.input: Field required; query.lines: too big",
  );
  assert.equal(
    describeErrorBody(401, '{"message":"Unauthorized","request_id":"00"}'),
    "Unauthorized",
  );
  assert.equal(describeErrorBody(502, "Bad Gateway"), "HTTP 502: Bad Gateway");
  assert.equal(describeErrorBody(500, ""), "HTTP 500");
});

test("splitProblem separates the field from the problem only when there is one", () => {
  assert.deepEqual(splitProblem("labels.moderation[1]: expected a string, got number"), [
    "labels.moderation[1]",
    "expected a string, got number",
  ]);
  assert.deepEqual(splitProblem("line is not valid JSON (column 2: syntax error)"), [
    "",
    "line is not valid JSON (column 2: syntax error)",
  ]);
  assert.deepEqual(splitProblem("missing text"), ["", "missing text"]);
});

test("thresholdsFrom keeps each head's tuned thresholds and skips heads without them", () => {
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const metrics: ModelMetrics = {
    model: "ft:classifier:x",
    job: "6b8cd9a8-acc6-48c9-a719-d59f6f7cb19a",
    samples: 10,
    heads: [
      {
        kind: "multi_label",
        head: "moderation",
        samples: 10,
        threshold_rule: "score >= threshold",
        labels: [
          {
            name: "toxicity",
            positives: 3,
            negatives: 7,
            roc_auc: 0.9,
            average_precision: 0.8,
            threshold: 0.4,
            precision: 1,
            recall: 1,
            f1: 1,
            ...counts,
          },
          {
            name: "insult",
            positives: 0,
            negatives: 10,
            roc_auc: null,
            average_precision: null,
            threshold: null,
            precision: 0,
            recall: 0,
            f1: 0,
            ...counts,
          },
        ],
        macro: {
          roc_auc: 0.9,
          average_precision: 0.8,
          labels_without_roc_auc: ["insult"],
          labels_without_average_precision: ["insult"],
          f1: 0.5,
          precision: 0.5,
          recall: 0.5,
        },
        micro: { precision: 1, recall: 1, f1: 1, ...counts },
      },
      {
        kind: "single_label",
        head: "lang",
        samples: 10,
        accuracy: 1,
        classes: [{ name: "en", support: 5, predicted: 5, precision: 1, recall: 1, f1: 1 }],
        macro: { classes: 1, precision: 1, recall: 1, f1: 1 },
        confusion_matrix: { classes: ["en"], counts: [[5]] },
      },
      { head: "topic", samples: 0 },
    ],
    curves: {},
  };
  const t = thresholdsFrom(metrics);
  assert.deepEqual([...t.keys()], ["moderation"]);
  assert.equal(t.get("moderation")?.get("toxicity"), 0.4);
  assert.equal(t.get("moderation")?.has("insult"), false);
});

test("parseHash and link round-trip ids with colons", () => {
  const id = "ft:classifier:ministral-3b-latest:a1b2c3d4:20261127:5b1f0c2e";
  assert.deepEqual(parseHash(link("models", id)), {
    name: "models",
    params: [id],
    query: new URLSearchParams(""),
  });
  const parsed = parseHash("#/data?files=a,b");
  assert.equal(parsed.name, "data");
  assert.equal(parsed.query.get("files"), "a,b");
  assert.equal(parseHash("").name, "");
});

test("formatting", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(600 * 1024), "600 KB");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MB");
  assert.equal(formatMetric(null), "—");
  assert.equal(formatMetric(0.12345), "0.123");
  assert.equal(formatPercent(1, 3), "33.3%");
  assert.equal(formatPercent(1, 0), "—");
});

test("byteToUtf16 maps UTF-8 byte offsets to string indices across 1- to 4-byte characters", () => {
  const m = byteToUtf16("aé€😀b");
  assert.deepEqual(
    [...m.entries()],
    [
      [0, 0],
      [1, 1],
      [3, 2],
      [6, 3],
      [10, 5],
      [11, 6],
    ],
  );
});

test("segments marks each span with its sign and relative size and keeps the text whole", () => {
  const text = "Ünïcode idiot, thanks";
  // "idiot" is bytes 10..15 (Ü and ï take 2 bytes each), "thanks" 17..23.
  const segs = segments(text, [
    { start: 10, end: 15, text: "idiot", contribution: 2 },
    { start: 17, end: 23, text: "thanks", contribution: -0.5 },
  ]);
  assert.equal(segs.map((s) => s.text).join(""), text);
  assert.deepEqual(segs, [
    { text: "Ünïcode " },
    { text: "idiot", contribution: 2, intensity: 1 },
    { text: ", " },
    { text: "thanks", contribution: -0.5, intensity: 0.25 },
  ]);
});

test("segments leaves out spans off code-point boundaries, overlapping or zero, without throwing", () => {
  const text = "é idiot";
  const segs = segments(text, [
    { start: 1, end: 2, text: "?", contribution: 1 }, // inside é
    { start: 3, end: 8, text: "idiot", contribution: 1 },
    { start: 4, end: 6, text: "di", contribution: 3 }, // overlaps idiot
    { start: 0, end: 2, text: "é", contribution: 0 },
    { start: 3, end: 99, text: "", contribution: 1 }, // past the end
  ]);
  assert.equal(segs.map((s) => s.text).join(""), text);
  assert.deepEqual(
    segs.filter((s) => s.contribution !== undefined).map((s) => s.text),
    ["idiot"],
  );
});

function subgroup(
  name: string,
  size: number,
  over: Partial<BiasAuditSubgroup> = {},
): BiasAuditSubgroup {
  return {
    name,
    size,
    positives: 0,
    negatives: size,
    unannotated: 0,
    subgroup_auc: 0.9,
    bpsn_auc: 0.8,
    bnsp_auc: 0.85,
    undefined: {},
    averaged: false,
    not_averaged_reason: "r",
    ...over,
  };
}

test("subgroupRows keeps subgroups with samples in order and names the empty ones", () => {
  const label: BiasAuditLabel = {
    name: "toxicity",
    samples: 300,
    positives: 90,
    overall_auc: 0.9,
    subgroups_averaged: 1,
    subgroups: [
      subgroup("muslim", 150, { averaged: true }),
      subgroup("jewish", 0),
      subgroup("female", 40),
      subgroup("asian", 0),
    ],
    power_mean: { subgroup_auc: 0.9, bpsn_auc: 0.8, bnsp_auc: 0.85 },
    final_metric: 0.86,
    final_metric_note: null,
  };
  const { rows, withoutSamples } = subgroupRows(label);
  assert.deepEqual(
    rows.map((g) => g.name),
    ["muslim", "female"],
  );
  assert.deepEqual(withoutSamples, ["jewish", "asian"]);
});

test("averagedText gives the first reason a subgroup is not averaged", () => {
  assert.equal(averagedText(subgroup("a", 150, { averaged: true }), 100), "yes");
  assert.equal(averagedText(subgroup("a", 99), 100), "no (size < 100)");
  assert.equal(
    averagedText(subgroup("a", 150, { subgroup_auc: null, bpsn_auc: null }), 100),
    "no (subgroup AUC undefined)",
  );
  assert.equal(averagedText(subgroup("a", 150, { bpsn_auc: null }), 100), "no (BPSN undefined)");
  assert.equal(averagedText(subgroup("a", 150, { bnsp_auc: null }), 100), "no (BNSP undefined)");
});
