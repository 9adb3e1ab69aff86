// One job: status timeline from its events, live loss curves from its checkpoints (polled while
// the job is active), metrics, events, and start / cancel buttons.
import { api } from "../api/client";
import { TERMINAL_STATUSES, type Checkpoint, type JobDetails } from "../api/types";
import { color, makeChart, type ChartHandle } from "../components/charts";
import { h, replace } from "../components/dom";
import { formatCount, formatMetric, formatTime, shortId } from "../components/format";
import { empty, errorBox, loading, statusBadge } from "../components/states";
import { link, type PageContext } from "../router";

const POLL_MS = 1500;

export function renderJobDetail(ctx: PageContext, id: string): void {
  const title = h("h1", {}, `Job ${shortId(id)}`);
  const badge = h("span", {});
  const startBtn = h("button", { type: "button", class: "primary", disabled: true }, "Start");
  const cancelBtn = h("button", { type: "button", class: "danger", disabled: true }, "Cancel");
  const actionStatus = h("div", { class: "action-status", "aria-live": "polite" });
  const pollStatus = h("div", { class: "poll-status", "aria-live": "polite" });
  const timeline = h("ol", { class: "timeline", "data-testid": "timeline" });
  const lossBox = h("div", { class: "loss-box" });
  const metricsBox = h("div", {});
  const detailsBox = h("div", {});
  const eventsBox = h("div", {});
  const body = h(
    "div",
    { class: "job-body", hidden: true },
    h(
      "section",
      { "aria-labelledby": "tl-h" },
      h("h2", { id: "tl-h" }, "Status timeline"),
      timeline,
    ),
    h(
      "section",
      { "aria-labelledby": "loss-h" },
      h("h2", { id: "loss-h" }, "Loss curves"),
      lossBox,
    ),
    h(
      "section",
      { "aria-labelledby": "metrics-h" },
      h("h2", { id: "metrics-h" }, "Metrics"),
      metricsBox,
    ),
    h(
      "section",
      { "aria-labelledby": "details-h" },
      h("h2", { id: "details-h" }, "Details"),
      detailsBox,
    ),
    h(
      "section",
      { "aria-labelledby": "events-h" },
      h("h2", { id: "events-h" }, "Events"),
      eventsBox,
    ),
  );
  const initial = h("div", {}, loading("job"));
  replace(
    ctx.root,
    h("p", { class: "crumbs" }, h("a", { href: link("jobs") }, "← Jobs")),
    h(
      "div",
      { class: "section-head" },
      h("div", { class: "title-line" }, title, badge),
      h("div", { class: "button-row" }, startBtn, cancelBtn),
    ),
    actionStatus,
    pollStatus,
    initial,
    body,
  );

  let chart: ChartHandle | null = null;
  let timer: number | undefined;
  ctx.onCleanup(() => window.clearTimeout(timer));

  const show = (job: JobDetails): void => {
    body.hidden = false;
    initial.remove();
    replace(badge, statusBadge(job.status));
    body.dataset["status"] = job.status;
    startBtn.disabled = job.status !== "VALIDATED";
    cancelBtn.disabled =
      TERMINAL_STATUSES.has(job.status) || job.status === "CANCELLATION_REQUESTED";
    replace(timeline, timelineItems(job));
    chart = drawLoss(ctx, lossBox, chart, job.checkpoints ?? []);
    replace(metricsBox, metricsView(job));
    replace(detailsBox, detailsView(job));
    replace(eventsBox, eventsView(job));
  };

  const poll = async (): Promise<void> => {
    try {
      const job = await api.getJob(id);
      if (ctx.left) return;
      replace(pollStatus);
      show(job);
      if (!TERMINAL_STATUSES.has(job.status)) timer = window.setTimeout(() => void poll(), POLL_MS);
    } catch (err) {
      if (ctx.left) return;
      if (body.hidden) {
        replace(initial, errorBox(err, "Could not load the job"));
      } else {
        replace(pollStatus, errorBox(err, "Refresh failed; retrying"));
        timer = window.setTimeout(() => void poll(), POLL_MS * 2);
      }
    }
  };

  const act = async (what: "start" | "cancel"): Promise<void> => {
    startBtn.disabled = true;
    cancelBtn.disabled = true;
    replace(actionStatus, loading(what === "start" ? "— starting" : "— cancelling"));
    try {
      const job = what === "start" ? await api.startJob(id) : await api.cancelJob(id);
      if (ctx.left) return;
      replace(actionStatus);
      show(job);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void poll(), POLL_MS);
    } catch (err) {
      if (ctx.left) return;
      replace(
        actionStatus,
        errorBox(err, what === "start" ? "Could not start" : "Could not cancel"),
      );
      void poll();
    }
  };
  startBtn.addEventListener("click", () => void act("start"));
  cancelBtn.addEventListener("click", () => {
    if (window.confirm("Cancel this job?")) void act("cancel");
  });
  void poll();
}

function timelineItems(job: JobDetails): HTMLElement[] {
  const events = (job.events ?? []).filter((e) => e.data && typeof e.data.status === "string");
  if (events.length === 0)
    return [
      h(
        "li",
        { class: "current" },
        statusBadge(job.status),
        " ",
        h("span", { class: "muted" }, formatTime(job.modified_at)),
      ),
    ];
  const items = events.map((e, i) => {
    const status = String(e.data?.status);
    const last = i === events.length - 1;
    return h(
      "li",
      { class: last ? "current" : "" },
      statusBadge(status),
      " ",
      h(
        "time",
        { class: "muted", datetime: new Date(e.created_at * 1000).toISOString() },
        formatTime(e.created_at),
      ),
      typeof e.data?.error === "string"
        ? h("div", { class: "state error", role: "alert" }, e.data.error)
        : null,
    );
  });
  // After /start the status reads QUEUED again without an event: show it so the list matches the badge.
  const lastStatus = events[events.length - 1]?.data?.status;
  if (lastStatus !== job.status)
    items.push(
      h(
        "li",
        { class: "current" },
        statusBadge(job.status),
        " ",
        h("span", { class: "muted" }, formatTime(job.modified_at)),
      ),
    );
  return items;
}

function sortedCheckpoints(checkpoints: Checkpoint[]): Checkpoint[] {
  return [...checkpoints].sort((a, b) => a.step_number - b.step_number); // the API sends newest first
}

function drawLoss(
  ctx: PageContext,
  box: HTMLElement,
  chart: ChartHandle | null,
  checkpoints: Checkpoint[],
): ChartHandle | null {
  const cps = sortedCheckpoints(checkpoints);
  const train = cps
    .filter((c) => typeof c.metrics.train_loss === "number")
    .map((c) => ({ x: c.step_number, y: c.metrics.train_loss as number }));
  const valid = cps
    .filter((c) => typeof c.metrics.valid_loss === "number")
    .map((c) => ({ x: c.step_number, y: c.metrics.valid_loss as number }));
  if (cps.length === 0) {
    if (!chart)
      replace(box, empty("No checkpoints yet: the curves appear while the job is RUNNING."));
    return chart;
  }
  if (chart) {
    chart.update((c) => {
      const [t, v] = c.data.datasets;
      if (t) t.data = train;
      if (v) v.data = valid;
    });
    return chart;
  }
  const handle = makeChart(ctx, "loss", "Training and validation loss per step", {
    type: "line",
    data: {
      datasets: [
        {
          label: "train loss",
          data: train,
          borderColor: color(0),
          backgroundColor: color(0),
          pointRadius: 2,
          tension: 0.1,
        },
        {
          label: "validation loss",
          data: valid,
          borderColor: color(1),
          backgroundColor: color(1),
          pointRadius: 3,
          tension: 0.1,
        },
      ],
    },
    options: {
      parsing: false,
      plugins: { legend: { position: "bottom" } },
      scales: {
        x: { type: "linear", title: { display: true, text: "step" } },
        y: { title: { display: true, text: "loss" } },
      },
    },
  });
  replace(box, handle.figure);
  return handle;
}

function metricsView(job: JobDetails): HTMLElement {
  const cps = sortedCheckpoints(job.checkpoints ?? []);
  if (cps.length === 0) return empty("No checkpoints yet.");
  const evaluated = cps.filter((c) => typeof c.metrics.valid_loss === "number");
  const best = evaluated.reduce<Checkpoint | null>(
    (b, c) =>
      b === null || (c.metrics.valid_loss as number) < (b.metrics.valid_loss as number) ? c : b,
    null,
  );
  const latest = cps[cps.length - 1];
  const row = (label: string, c: Checkpoint | null | undefined): HTMLElement =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, label),
      h("td", { class: "num" }, c ? String(c.step_number) : "—"),
      h("td", { class: "num" }, formatMetric(c?.metrics.train_loss, 4)),
      h("td", { class: "num" }, formatMetric(c?.metrics.valid_loss, 4)),
      h("td", { class: "num" }, formatMetric(c?.metrics.valid_mean_token_accuracy)),
      h("td", { class: "num" }, formatMetric(c?.metrics.valid_macro_roc_auc)),
    );
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "compact metrics" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, ""),
          h("th", { scope: "col", class: "num" }, "Step"),
          h("th", { scope: "col", class: "num" }, "Train loss"),
          h("th", { scope: "col", class: "num" }, "Valid loss"),
          h("th", { scope: "col", class: "num" }, "Accuracy"),
          h("th", { scope: "col", class: "num" }, "Macro ROC-AUC"),
        ),
      ),
      h("tbody", {}, row("Latest", latest), row("Best validation loss", best)),
    ),
  );
}

function detailsView(job: JobDetails): HTMLElement {
  const hp = job.hyperparameters;
  const md = job.metadata;
  const items: [string, Node | string][] = [
    ["Id", h("span", { class: "mono" }, job.id)],
    ["Base model", job.model],
    [
      "Fine-tuned model",
      job.fine_tuned_model
        ? h(
            "a",
            { href: link("models", job.fine_tuned_model), class: "mono" },
            job.fine_tuned_model,
          )
        : "— (set on SUCCESS)",
    ],
    [
      "Training files",
      h(
        "span",
        {},
        job.training_files.map((f, i) => [
          i > 0 ? ", " : "",
          h("a", { href: link("files", f), class: "mono" }, shortId(f)),
        ]),
      ),
    ],
    [
      "Validation files",
      job.validation_files && job.validation_files.length > 0
        ? h(
            "span",
            {},
            job.validation_files.map((f, i) => [
              i > 0 ? ", " : "",
              h("a", { href: link("files", f), class: "mono" }, shortId(f)),
            ]),
          )
        : "none",
    ],
    ["Training steps", formatCount(hp.training_steps)],
    [
      "Learning rate",
      hp.learning_rate === null || hp.learning_rate === undefined ? "—" : String(hp.learning_rate),
    ],
    ["Epochs", formatMetric(hp.epochs, 2)],
    ["Auto start", job.auto_start ? "yes" : "no"],
    ["Created", formatTime(job.created_at)],
    ["Trained tokens", formatCount(job.trained_tokens)],
    [
      "Expected duration",
      md?.expected_duration_seconds != null ? `${md.expected_duration_seconds} s` : "—",
    ],
    [
      "Heads",
      job.classifier_targets.length === 0
        ? "known after validation"
        : h(
            "ul",
            { class: "plain" },
            job.classifier_targets.map((t) =>
              h("li", {}, h("strong", {}, t.name), ` (${t.loss_function}): ${t.labels.join(", ")}`),
            ),
          ),
    ],
  ];
  return h(
    "dl",
    { class: "facts" },
    items.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

function eventsView(job: JobDetails): HTMLElement {
  const events = job.events ?? [];
  if (events.length === 0) return empty("No events yet.");
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "compact" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Time"),
          h("th", { scope: "col" }, "Event"),
          h("th", { scope: "col" }, "Data"),
        ),
      ),
      h(
        "tbody",
        {},
        events.map((e) =>
          h(
            "tr",
            {},
            h("td", {}, formatTime(e.created_at)),
            h("td", {}, e.name),
            h("td", { class: "mono wrap" }, e.data ? JSON.stringify(e.data) : ""),
          ),
        ),
      ),
    ),
  );
}
