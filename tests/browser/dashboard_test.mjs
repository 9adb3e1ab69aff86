// End-to-end test of the web dashboard in a real browser against a real server.
//
// Starts `winnow serve --port 0 --data-dir <tmp> --api-key k --web-dir <web/dist>`, drives Debian's
// headless Chromium with playwright-core through the whole workflow (key, uploads by picker and
// by drag-and-drop, a failed upload, validation with bad lines, Step 2 charts, a job created,
// started and trained to SUCCESS with its loss curve, model metrics and management, the bias
// audit's note and, for a second model trained (over the API) on a validation file with identity
// values, its audit table, playground scores) and saves a screenshot of every page at 1280x800
// and at a phone size.
//
// Usage (ctest runs it; label `browser`):
//   node tests/browser/dashboard_test.mjs --winnow build/winnow --web-dir web/dist \
//        --shared-data ../shared/data --out build/browser-screenshots
// Exit: 0 passed, 1 failed, 77 skipped (no ../shared/data/civil_spans).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const SKIP = 77;
const KEY = "k";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const STEP_TIMEOUT_MS = 60_000; // hang guard for one UI step
const JOB_TIMEOUT_MS = 600_000; // hang guard for validation + training

function parseArgs(argv) {
  const here = new URL(".", import.meta.url).pathname;
  const root = resolve(here, "../..");
  const args = {
    winnow: join(root, "build/winnow"),
    webDir: join(root, "web/dist"),
    sharedData: resolve(root, "../shared/data"),
    out: join(root, "build/browser-screenshots"),
    chromium: process.env.WINNOW_CHROMIUM ?? "/usr/bin/chromium",
  };
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--winnow") args.winnow = resolve(value);
    else if (name === "--web-dir") args.webDir = resolve(value);
    else if (name === "--shared-data") args.sharedData = resolve(value);
    else if (name === "--out") args.out = resolve(value);
    else if (name === "--chromium") args.chromium = value;
    else throw new Error(`unknown option ${name}`);
  }
  return args;
}

let passed = 0;
let failed = 0;
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  passed += 1;
  console.log(`ok - ${what}`);
}

/** Starts the server and resolves with its base URL once it printed its listening line. */
function startServer(args, dataDir) {
  const child = spawn(
    args.winnow,
    ["serve", "--port", "0", "--data-dir", dataDir, "--api-key", KEY, "--web-dir", args.webDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d.toString();
    if (stderr.length > 20000) stderr = stderr.slice(-20000);
  });
  const url = new Promise((resolveUrl, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not print its listening line; stderr:\n${stderr}`)), STEP_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      out += d.toString();
      const m = out.match(/winnow serve: listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
  return { child, url, stderr: () => stderr };
}

async function stopServer(server) {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function shot(page, out, name) {
  const file = join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

/** Resolves with the chart figure once it has drawn at least one data point. */
async function chartWithPoints(page, name) {
  const sel = `figure[data-chart="${name}"]`;
  await page.waitForFunction(
    (s) => {
      const f = document.querySelector(s);
      return f !== null && Number(f.getAttribute("data-points")) > 0;
    },
    sel,
    { timeout: STEP_TIMEOUT_MS },
  );
  return Number(await page.getAttribute(sel, "data-points"));
}

async function go(page, base, hash) {
  await page.goto(`${base}/${hash}`);
}

// Identity annotations made from the validation texts' words (the civil_spans files have none):
// a text mentioning the identity is a member (1), others not (0), every 13th text unannotated.
const IDENTITY_PATTERNS = {
  male: /\b(men|man|males?|boys?|he|him|his)\b/i,
  female: /\b(women|woman|females?|girls?|she|her)\b/i,
  christian: /\b(christians?|christianity)\b/i,
  muslim: /\b(muslims?|islam\w*)\b/i,
  jewish: /\b(jews?|jewish)\b/i,
  black: /\bblacks?\b/i,
  white: /\bwhites?\b/i,
};

/** The JSONL text with metadata.identity on every line, and each identity's member count. */
function withIdentities(text) {
  const counts = Object.fromEntries(Object.keys(IDENTITY_PATTERNS).map((k) => [k, 0]));
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const out = lines.map((line, i) => {
    const sample = JSON.parse(line);
    const identity = {};
    for (const [name, re] of Object.entries(IDENTITY_PATTERNS)) {
      if (i % 13 === 12) {
        identity[name] = null;
      } else {
        const member = re.test(sample.text);
        identity[name] = member ? 1 : 0;
        if (member) counts[name] += 1;
      }
    }
    sample.metadata = { identity };
    return JSON.stringify(sample);
  });
  return { jsonl: out.join("\n") + "\n", counts };
}

/** A JSON call to the server with the API key; resolves with the parsed body, throws on non-2xx. */
async function apiCall(base, method, path, body) {
  const init = { method, headers: { Authorization: `Bearer ${KEY}` } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Trains a model over the API (auto-started job) and resolves with its id once SUCCESS. */
async function trainOverApi(base, trainId, validationName, validationText, suffix) {
  const form = new FormData();
  form.append("file", new Blob([validationText]), validationName);
  form.append("purpose", "fine-tune");
  const valid = await apiCall(base, "POST", "/v1/files", form);
  const job = await apiCall(base, "POST", "/v1/fine_tuning/jobs", {
    model: "ministral-3b-latest",
    training_files: [{ file_id: trainId, weight: 1 }],
    validation_files: [valid.id],
    auto_start: true,
    job_type: "classifier",
    suffix,
    hyperparameters: { training_steps: 30, learning_rate: 0.0001 },
  });
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const j = await apiCall(base, "GET", `/v1/fine_tuning/jobs/${job.id}`);
    if (j.status === "SUCCESS") return j.fine_tuned_model;
    if (["FAILED", "CANCELLED", "FAILED_VALIDATION"].includes(j.status)) throw new Error(`job ${job.id} ended ${j.status}: ${JSON.stringify(j)}`);
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${j.status} after ${JOB_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function run(args) {
  const civil = join(args.sharedData, "civil_spans");
  if (!existsSync(join(civil, "train.csv"))) {
    console.log(`SKIPPED: ${civil} is absent (the browser test needs the shared civil_spans data)`);
    return SKIP;
  }
  for (const [path, what] of [
    [args.winnow, "the winnow binary (build it first)"],
    [join(args.webDir, "index.html"), "the built dashboard (cd web && npm ci && npm run build)"],
    [args.chromium, "Chromium (apt-get install chromium; scripts/setup.sh does)"],
  ]) {
    if (!existsSync(path)) throw new Error(`missing ${path}: ${what}`);
  }
  mkdirSync(args.out, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "winnow-browser-"));
  let server = null;
  let context = null;
  let page = null;
  try {
    // Real data: the tutorial's files made from civil_spans by `winnow prepare`.
    const prepared = join(tmp, "prepared");
    const prep = spawnSync(args.winnow, ["prepare", "--input", civil, "--out", prepared, "--quiet"], { encoding: "utf8" });
    check(prep.status === 0, `winnow prepare exits 0 ${prep.stderr ?? ""}`.trim());
    const trainFile = join(prepared, "training_file.jsonl");
    const validFile = join(prepared, "validation_file.jsonl");
    const emptyFile = join(tmp, "empty.jsonl");
    writeFileSync(emptyFile, "");
    const badFile = join(tmp, "bad_lines.jsonl");
    writeFileSync(
      badFile,
      [
        '{"text": "fine", "labels": {"moderation": ["safe"]}}',
        '{"text": 3, "labels": {"moderation": ["safe"]}}',
        "not json at all",
        '{"text": "rude", "labels": {"moderation": ["toxicity"]}}',
        '{"text": "no labels"}',
      ].join("\n") + "\n",
    );

    server = startServer(args, join(tmp, "server-data"));
    const base = await server.url;
    console.log(`server at ${base}`);

    context = await chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
      executablePath: args.chromium,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: DESKTOP,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => void d.accept());

    // --- API key: a wrong one is refused with the server's reason, the right one is kept.
    await go(page, base, "");
    await page.waitForSelector("#api-key");
    await shot(page, args.out, "desktop-0-key");
    await page.fill("#api-key", "wrong");
    await page.click("form.key-form button[type=submit]");
    await page.waitForSelector("form.key-form .state.error");
    check((await page.textContent("form.key-form .state.error")).includes("Unauthorized"), "a wrong key is refused and says why");
    await page.fill("#api-key", KEY);
    await page.click("form.key-form button[type=submit]");
    await page.waitForSelector("h1:has-text('Files')");
    check((await page.evaluate(() => sessionStorage.getItem("winnow.apiKey"))) === KEY, "the key is kept in sessionStorage");
    check((await page.evaluate(() => localStorage.length)) === 0, "nothing is written to localStorage");

    // --- Files: picker upload, drag-and-drop upload, a failed upload that says why.
    await page.setInputFiles("#file-input", trainFile);
    await page.waitForSelector(".upload.ok:has-text('training_file.jsonl')");
    check(true, "training file uploaded with the picker");
    const validText = readFileSync(validFile, "utf8");
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], "validation_file.jsonl", { type: "application/octet-stream" }));
      return dt;
    }, validText);
    await page.dispatchEvent("[data-testid=dropzone]", "drop", { dataTransfer });
    await page.waitForSelector(".upload.ok:has-text('validation_file.jsonl')");
    check(true, "validation file uploaded by drag-and-drop");
    await page.setInputFiles("#file-input", emptyFile);
    await page.waitForSelector(".upload.failed");
    const failText = await page.textContent(".upload.failed");
    check(/Upload of empty\.jsonl failed: \S+/.test(failText) && !/HTTP \d+$/.test(failText.trim()), `a failed upload says why: "${failText}"`);
    await page.setInputFiles("#file-input", badFile);
    await page.waitForSelector(".upload.ok:has-text('bad_lines.jsonl')");
    await page.waitForSelector("tr[data-file-id] >> text=validation_file.jsonl");
    check((await page.locator("table.files-table tbody tr").count()) === 3, "the list shows the three stored files");
    await shot(page, args.out, "desktop-1-files");

    const fileIds = await page.evaluate(() => {
      const out = {};
      for (const tr of document.querySelectorAll("tr[data-file-id]")) out[tr.querySelector("a").textContent] = tr.getAttribute("data-file-id");
      return out;
    });
    const trainId = fileIds["training_file.jsonl"];
    const validId = fileIds["validation_file.jsonl"];
    const badId = fileIds["bad_lines.jsonl"];
    check(Boolean(trainId && validId && badId), "file ids are listed");

    // --- A file with bad lines: every bad line is listed with its line number.
    await go(page, base, `#/files/${badId}`);
    await page.waitForSelector("[data-testid=problems]");
    const badLines = await page.$$eval("[data-testid=problems] tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
    check(["2", "3", "5"].every((l) => badLines.includes(l)), `every bad line is listed (lines ${badLines.join(", ")})`);
    await page.waitForSelector(".preview li");
    await shot(page, args.out, "desktop-2-file-invalid");

    // --- The training file: preview and a valid report.
    await go(page, base, `#/files/${trainId}`);
    await page.waitForSelector(".verdict.ok");
    check((await page.locator(".preview li").count()) === 20, "the preview shows the first 20 lines");
    await shot(page, args.out, "desktop-3-file-valid");

    // --- Data: the tutorial's Step 2 charts for the training and validation splits.
    await go(page, base, `#/data?files=${trainId},${validId}`);
    for (const name of ["category", "flagged", "per-label"]) {
      const n = await chartWithPoints(page, name);
      check(n > 0, `data chart "${name}" is drawn (${n} values)`);
    }
    await page.waitForFunction(() => document.querySelectorAll("figure[data-chart=category]").length === 2);
    check(true, "one row of charts per selected split");
    await shot(page, args.out, "desktop-4-data");

    // --- Jobs: create (auto start off), wait for VALIDATED, start, wait for SUCCESS.
    await go(page, base, "#/jobs/new");
    await page.waitForSelector("form.job-form");
    await page.selectOption("select[name=training_file]", trainId);
    for (const box of await page.$$("input[name=validation_file]")) {
      const value = await box.getAttribute("value");
      if ((value === validId) !== (await box.isChecked())) await box.click();
    }
    await page.selectOption("select[name=model]", "ministral-3b-latest");
    await page.fill("input[name=training_steps]", "60");
    await page.fill("input[name=learning_rate]", "0.0001");
    await page.fill("input[name=suffix]", "browser");
    if (await page.isChecked("input[name=auto_start]")) await page.click("input[name=auto_start]");
    await shot(page, args.out, "desktop-5-job-new");
    await page.click("form.job-form button[type=submit]");
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    const jobId = page.url().split("/").pop();
    check(true, `job ${jobId} created`);
    await page.waitForSelector('.job-body[data-status="VALIDATED"]', { timeout: JOB_TIMEOUT_MS });
    check(await page.isEnabled("button:has-text('Start')"), "Start is enabled once the job is VALIDATED");
    await page.click("button:has-text('Start')");
    await page.waitForFunction(
      () => ["SUCCESS", "FAILED", "CANCELLED", "FAILED_VALIDATION"].includes(document.querySelector(".job-body")?.dataset.status ?? ""),
      null,
      { timeout: JOB_TIMEOUT_MS, polling: 500 },
    );
    const finalStatus = await page.getAttribute(".job-body", "data-status");
    check(finalStatus === "SUCCESS", `the job reaches SUCCESS (got ${finalStatus})`);
    const lossPoints = await chartWithPoints(page, "loss");
    check(lossPoints > 0, `the loss curve has points (${lossPoints})`);
    const timeline = await page.$$eval("[data-testid=timeline] .badge", (b) => b.map((x) => x.textContent));
    check(["VALIDATED", "RUNNING", "SUCCESS"].every((s) => timeline.includes(s)), `the timeline shows ${timeline.join(" → ")}`);
    check(await page.isDisabled("button:has-text('Cancel')"), "Cancel is disabled for a finished job");
    await shot(page, args.out, "desktop-6-job");

    await go(page, base, "#/jobs");
    await page.waitForSelector(`tr[data-job-id="${jobId}"] .badge:has-text('SUCCESS')`);
    await shot(page, args.out, "desktop-7-jobs");

    // --- Models: metrics table, ROC and PR curves, rename, archive and unarchive.
    await go(page, base, "#/models");
    await page.waitForSelector("table.models-table a");
    await shot(page, args.out, "desktop-8-models");
    const modelId = await page.textContent("table.models-table tbody tr a");
    check(modelId.startsWith("ft:classifier:ministral-3b-latest:") && modelId.includes(":browser:"), `the model is listed (${modelId})`);
    await page.click("table.models-table tbody tr a");
    await page.waitForSelector("table.label-metrics tbody tr");
    const metricRows = await page.locator("table.label-metrics tbody tr").count();
    check(metricRows >= 3, `per-label metrics table (${metricRows} rows)`);
    const rocPoints = await chartWithPoints(page, "roc-moderation");
    const prPoints = await chartWithPoints(page, "pr-moderation");
    check(rocPoints > 2 && prPoints > 2, `ROC (${rocPoints}) and PR (${prPoints}) curves are drawn`);
    await page.fill(".inline-form input", "civil moderation");
    await page.click(".inline-form button");
    await page.waitForSelector("h1:has-text('civil moderation')");
    check(true, "rename shows the new name");
    await page.click("button:text-is('Archive')");
    await page.waitForSelector("h1 .badge.archived");
    await page.click("button:text-is('Unarchive')");
    await page.waitForSelector("button:text-is('Archive')");
    check((await page.locator("h1 .badge.archived").count()) === 0, "archive and unarchive round-trip");
    // Its validation file has no identities: no audit, and a note says how to get one.
    await page.waitForSelector("[data-testid=no-bias-audit]");
    check((await page.textContent("[data-testid=no-bias-audit]")).includes("winnow prepare --identity-columns"), "a model without an audit says how to get one");
    check((await page.locator("table.bias-audit").count()) === 0, "no audit table without an audit");
    await shot(page, args.out, "desktop-9-model");

    // --- Bias audit: a model whose validation file carries identity values shows the table. The
    // validation and test splits together give one subgroup over the minimum of 100 (male).
    const audited = withIdentities(validText + readFileSync(join(prepared, "test_file.jsonl"), "utf8"));
    const expectedRows = Object.entries(audited.counts).filter(([, n]) => n > 0);
    check(expectedRows.length >= 3 && expectedRows.some(([, n]) => n < 100) && expectedRows.some(([, n]) => n >= 100), `identity subgroups made (${expectedRows.map(([k, n]) => `${k} ${n}`).join(", ")})`);
    const auditModel = await trainOverApi(base, trainId, "validation_identities.jsonl", audited.jsonl, "audit");
    check(typeof auditModel === "string" && auditModel.includes(":audit:"), `model trained with identities (${auditModel})`);
    await go(page, base, `#/models/${encodeURIComponent(auditModel)}`);
    await page.waitForSelector("[data-testid=bias-audit] table.bias-audit tbody tr");
    const tables = await page.$$eval("[data-testid=bias-audit] .bias-audit-label", (divs) =>
      divs.map((d) => ({
        label: d.getAttribute("data-label"),
        caption: d.querySelector("caption")?.textContent ?? "",
        headers: [...d.querySelectorAll("thead th[scope=col]")].map((th) => th.textContent),
        rows: [...d.querySelectorAll("tbody tr[data-subgroup]")].map((tr) => ({
          name: tr.getAttribute("data-subgroup"),
          header: tr.querySelector("th[scope=row]")?.textContent,
          size: Number(tr.querySelectorAll("td")[0].textContent.replace(/,/g, "")),
          averaged: tr.getAttribute("data-averaged"),
          averagedText: tr.querySelectorAll("td")[5].textContent,
        })),
        means: d.querySelector("tbody tr.macro th")?.textContent ?? "",
        final: d.querySelector("[data-testid=final-metric]")?.textContent ?? "",
      })),
    );
    const card = await apiCall(base, "GET", `/v1/models/${encodeURIComponent(auditModel)}`);
    const labelNames = card.classifier_targets?.[0]?.labels ?? [];
    check(tables.length > 0 && tables.length === labelNames.length, `one audit table per label (${tables.map((t) => t.label).join(", ")})`);
    for (const t of tables) {
      check(t.caption.startsWith(`Label “${t.label}”`) && t.headers.join("|") === "Subgroup|Size|Positives|Subgroup AUC|BPSN AUC|BNSP AUC|Averaged", `${t.label}: a captioned table with column headers`);
      check(JSON.stringify(t.rows.map((r) => [r.name, r.size])) === JSON.stringify(expectedRows), `${t.label}: one row per subgroup with its size (${t.rows.map((r) => `${r.name} ${r.size}`).join(", ")})`);
      const small = t.rows.filter((r) => r.size < 100);
      check(small.length > 0 && small.every((r) => r.averaged === "false" && r.averagedText === "no (size < 100)"), `${t.label}: subgroups under 100 samples are marked not averaged`);
      check(t.rows.every((r) => r.header === r.name), `${t.label}: each row is headed by its subgroup`);
      const large = t.rows.filter((r) => r.size >= 100);
      check(large.every((r) => (r.averaged === "true" && r.averagedText === "yes") || (r.averaged === "false" && r.averagedText.endsWith("undefined)"))), `${t.label}: subgroups of 100 or more are averaged unless an AUC is undefined`);
      const averaged = t.rows.some((r) => r.averaged === "true");
      check(t.means.startsWith("Power mean (p = -5)") && (averaged ? /^Final bias metric 0\.\d{4} = /.test(t.final) : t.final.startsWith("Final bias metric — ")), `${t.label}: power means and the final metric (${t.final})`);
    }
    const toxicity = tables.find((t) => t.label === "toxicity");
    check(toxicity !== undefined && /^Final bias metric 0\.\d{4}/.test(toxicity.final), `toxicity has a final bias metric (${toxicity?.final})`);
    await page.locator("[data-testid=bias-audit]").scrollIntoViewIfNeeded();
    await shot(page, args.out, "desktop-9b-bias-audit");

    // --- Playground: scores against thresholds.
    await go(page, base, `#/playground?model=${encodeURIComponent(modelId)}`);
    await page.waitForSelector("textarea[name=text]");
    await page.fill("textarea[name=text]", "You are an idiot and everyone knows it.\nThanks for the thoughtful article.");
    await page.click("form.playground-form button[type=submit]");
    await page.waitForSelector(".result-card .score-bars li");
    const cards = await page.locator(".result-card").count();
    const scores = await page.$$eval(".result-card:first-child .score-bars li", (lis) => lis.map((li) => Number(li.getAttribute("data-score"))));
    check(cards === 2, "one result per line");
    check(scores.length >= 3 && scores.every((s) => s >= 0 && s <= 1), `scores for every label (${scores.map((s) => s.toFixed(3)).join(", ")})`);
    check((await page.locator(".result-card .bar .threshold").count()) > 0, "thresholds are drawn on the bars");
    // Explanations: the first line's text is intact, its spans are highlighted (red raises, blue
    // lowers) and listed as text, and the top raised span in the list is one of the marks.
    await page.waitForSelector(".result-card:first-child [data-testid=explanation] mark");
    const quote = await page.textContent(".result-card:first-child blockquote.explained-text");
    check(quote === "You are an idiot and everyone knows it.", `the highlighted text is the line itself (${JSON.stringify(quote)})`);
    const marks = await page.$$eval(".result-card:first-child blockquote mark", (ms) => ms.map((m) => [m.className, m.textContent, getComputedStyle(m).backgroundColor]));
    check(marks.some(([c]) => c === "raises") && marks.every(([, , bg]) => bg !== "rgba(0, 0, 0, 0)"), `spans are highlighted with a colour (${marks.length} marks)`);
    const topRaised = await page.textContent(".result-card:first-child ol.spans-raised li:first-child q");
    check(topRaised !== null && marks.some(([c, t]) => c === "raises" && t === topRaised), `the spans are listed as text too (top: ${JSON.stringify(topRaised)})`);
    await shot(page, args.out, "desktop-10-playground");

    // --- Phone-sized screenshots of every page (same tab: the key stays in sessionStorage).
    await page.setViewportSize(PHONE);
    const pages = [
      ["files", "#/files", "table.files-table"],
      ["file", `#/files/${badId}`, "[data-testid=problems]"],
      ["data", `#/data?files=${trainId}`, 'figure[data-chart="per-label"]'],
      ["job-new", "#/jobs/new", "form.job-form"],
      ["jobs", "#/jobs", "table.jobs-table"],
      ["job", `#/jobs/${jobId}`, 'figure[data-chart="loss"]'],
      ["models", "#/models", "table.models-table"],
      ["model", `#/models/${encodeURIComponent(modelId)}`, 'figure[data-chart="roc-moderation"]'],
      ["model-audit", `#/models/${encodeURIComponent(auditModel)}`, "table.bias-audit"],
      ["playground", `#/playground?model=${encodeURIComponent(modelId)}`, "textarea[name=text]"],
    ];
    for (const [name, hash, ready] of pages) {
      await go(page, base, hash);
      await page.waitForSelector(ready);
      if (name === "playground") {
        await page.fill("textarea[name=text]", "You are an idiot and everyone knows it.");
        await page.click("form.playground-form button[type=submit]");
        await page.waitForSelector(".result-card .score-bars li");
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 1, `phone ${name}: no horizontal page scroll (${overflow}px)`);
      await shot(page, args.out, `phone-${name}`);
    }

    // --- Keyboard: the navigation is reachable with Tab and shows a focus style.
    await page.setViewportSize(DESKTOP);
    await go(page, base, "#/files");
    await page.reload(); // a fresh load: focus starts at the top of the document
    await page.waitForSelector("table.files-table");
    await page.keyboard.press("Tab"); // skip link
    await page.keyboard.press("Tab"); // brand
    await page.keyboard.press("Tab"); // first nav link
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { text: el?.textContent ?? "", outline: el ? getComputedStyle(el).outlineStyle : "none" };
    });
    check(focused.text === "Files" && focused.outline !== "none", `Tab reaches the navigation with a visible focus ring (${focused.text}, ${focused.outline})`);

    // The 401 (wrong key) and 422 (empty upload) answers above are logged by Chromium as resource errors.
    const unexpected = consoleErrors.filter((e) => !/status of 4\d\d/.test(e));
    check(unexpected.length === 0, `no script errors in the console${unexpected.length ? `: ${unexpected.join(" | ")}` : ""}`);
    return 0;
  } catch (err) {
    failed += 1;
    console.error(`not ok - ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    if (page) await shot(page, args.out, "failure").catch(() => {});
    if (server) console.error(`server stderr (tail):\n${server.stderr().slice(-4000)}`);
    return 1;
  } finally {
    if (context) await context.close().catch(() => {});
    if (server) await stopServer(server);
    rmSync(tmp, { recursive: true, force: true });
  }
}

const code = await run(parseArgs(process.argv));
if (code !== SKIP) console.log(`${passed} passed, ${failed} failed`);
process.exit(code);
