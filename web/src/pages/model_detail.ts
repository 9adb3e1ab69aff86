// One model: rename / archive / unarchive / delete, per-head per-label metrics (ROC-AUC, PR-AUC,
// F1, threshold) and ROC and precision-recall curves from /v1/winnow/models/{id}/metrics, and
// the identity-bias audit training stored (model_bias_audit.ts).
import { api } from "../api/client";
import type {
  ModelCard,
  ModelMetrics,
  MultiLabelHeadMetrics,
  SingleLabelHeadMetrics,
} from "../api/types";
import { color, makeChart } from "../components/charts";
import { h, replace, uid } from "../components/dom";
import { formatCount, formatMetric, formatTime, shortId } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";
import { loadBiasAudit } from "./model_bias_audit";

export async function renderModelDetail(ctx: PageContext, id: string): Promise<void> {
  const header = h("div", {}, loading("model"));
  const manage = h("div", {});
  const metricsBox = h("div", { "data-testid": "model-metrics" }, loading("metrics"));
  const auditBox = h("div", { "data-testid": "bias-audit" }, loading("bias audit"));
  replace(
    ctx.root,
    h("p", { class: "crumbs" }, h("a", { href: link("models") }, "← Models")),
    header,
    h("section", { "aria-labelledby": "manage-h" }, h("h2", { id: "manage-h" }, "Manage"), manage),
    h(
      "section",
      { "aria-labelledby": "mm-h" },
      h("h2", { id: "mm-h" }, "Validation metrics"),
      metricsBox,
    ),
    h(
      "section",
      { "aria-labelledby": "ba-h" },
      h("h2", { id: "ba-h" }, "Identity-bias audit"),
      auditBox,
    ),
  );

  const showCard = (card: ModelCard): void => {
    replace(
      header,
      h(
        "h1",
        { class: "wrap" },
        card.name ? card.name : "Model",
        " ",
        card.archived ? h("span", { class: "badge archived" }, "archived") : null,
      ),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Id"),
        h("dd", { class: "mono wrap" }, card.id),
        h("dt", {}, "Base"),
        h("dd", {}, card.root ?? "—"),
        h("dt", {}, "Job"),
        h(
          "dd",
          {},
          card.job
            ? h("a", { href: link("jobs", card.job), class: "mono" }, shortId(card.job))
            : "—",
        ),
        h("dt", {}, "Created"),
        h("dd", {}, formatTime(card.created)),
        h("dt", {}, "Try it"),
        h(
          "dd",
          {},
          h(
            "a",
            { href: `${link("playground")}?model=${encodeURIComponent(card.id)}` },
            "Playground",
          ),
        ),
      ),
    );
    replace(manage, manageForm(card, showCard));
  };

  try {
    const card = await api.getModel(id);
    if (ctx.left) return;
    showCard(card);
  } catch (err) {
    if (!ctx.left) replace(header, h("h1", {}, "Model"), errorBox(err, "Could not load the model"));
  }

  const audit = loadBiasAudit(ctx, id, auditBox);
  try {
    const metrics = await api.modelMetrics(id);
    if (ctx.left) return;
    replace(metricsBox, ...metricsView(ctx, metrics));
  } catch (err) {
    if (!ctx.left) replace(metricsBox, errorBox(err, "No metrics"));
  }
  await audit;
}

function manageForm(card: ModelCard, onChange: (card: ModelCard) => void): HTMLElement {
  const status = h("div", { class: "action-status", "aria-live": "polite" });
  const nameId = uid("name");
  const nameInput = h("input", {
    id: nameId,
    type: "text",
    value: card.name ?? "",
    placeholder: "a readable name",
  });
  const rename = h(
    "form",
    { class: "inline-form" },
    h("label", { for: nameId }, "Name"),
    nameInput,
    h("button", { type: "submit" }, "Rename"),
  );
  const run = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    replace(status, loading(`— ${what}`));
    try {
      await fn();
      const fresh = await api.getModel(card.id);
      onChange(fresh);
    } catch (err) {
      replace(status, errorBox(err, `Could not ${what}`));
    }
  };
  rename.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = nameInput.value.trim();
    void run("rename", () => api.renameModel(card.id, name === "" ? null : name));
  });
  const archive = h(
    "button",
    {
      type: "button",
      onclick: () =>
        void run(card.archived ? "unarchive" : "archive", () =>
          card.archived ? api.unarchiveModel(card.id) : api.archiveModel(card.id),
        ),
    },
    card.archived ? "Unarchive" : "Archive",
  );
  const del = h("button", { type: "button", class: "danger" }, "Delete");
  del.addEventListener("click", async () => {
    if (!window.confirm(`Delete ${card.id}? Classification with it stops working; the job stays.`))
      return;
    replace(status, loading("— deleting"));
    try {
      await api.deleteModel(card.id);
      window.location.hash = link("models");
    } catch (err) {
      replace(status, errorBox(err, "Could not delete"));
    }
  });
  return h("div", {}, rename, h("div", { class: "button-row" }, archive, del), status);
}

function metricsView(ctx: PageContext, metrics: ModelMetrics): HTMLElement[] {
  if (metrics.heads.length === 0) return [empty("The model has no heads.")];
  return metrics.heads.map((head) => {
    if (!("kind" in head)) {
      return h(
        "div",
        { class: "head-metrics", "data-head": head.head },
        h("h3", {}, `Head “${head.head}”`),
        empty("No validation sample carries this head: no metrics."),
      );
    }
    const labels =
      head.kind === "multi_label"
        ? head.labels.map((l) => l.name)
        : head.classes.map((c) => c.name);
    return h(
      "div",
      { class: "head-metrics", "data-head": head.head },
      h(
        "h3",
        {},
        `Head “${head.head}”`,
        h(
          "span",
          { class: "muted" },
          ` ${head.kind.replace("_", "-")}, ${formatCount(head.samples)} validation samples`,
        ),
      ),
      headTable(head),
      curves(ctx, head.head, labels, metrics),
    );
  });
}

function headTable(head: MultiLabelHeadMetrics | SingleLabelHeadMetrics): HTMLElement {
  const cols = [
    "Label",
    "Positives",
    "ROC-AUC",
    "PR-AUC",
    "F1",
    "Threshold",
    "Precision",
    "Recall",
  ];
  const th = cols.map((c, i) => h("th", { scope: "col", class: i > 0 ? "num" : "" }, c));
  let rows: HTMLElement[];
  let macro: HTMLElement;
  if (head.kind === "multi_label") {
    rows = head.labels.map((l) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, l.name),
        ...[
          formatCount(l.positives),
          formatMetric(l.roc_auc),
          formatMetric(l.average_precision),
          formatMetric(l.f1),
          formatMetric(l.threshold),
          formatMetric(l.precision),
          formatMetric(l.recall),
        ].map((v) => h("td", { class: "num" }, v)),
      ),
    );
    macro = h(
      "tr",
      { class: "macro" },
      h("th", { scope: "row" }, "macro"),
      ...[
        "",
        formatMetric(head.macro.roc_auc),
        formatMetric(head.macro.average_precision),
        formatMetric(head.macro.f1),
        "",
        formatMetric(head.macro.precision),
        formatMetric(head.macro.recall),
      ].map((v) => h("td", { class: "num" }, v)),
    );
  } else {
    rows = head.classes.map((c) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, c.name),
        ...[
          formatCount(c.support),
          "—",
          "—",
          formatMetric(c.f1),
          "argmax",
          formatMetric(c.precision),
          formatMetric(c.recall),
        ].map((v) => h("td", { class: "num" }, v)),
      ),
    );
    macro = h(
      "tr",
      { class: "macro" },
      h("th", { scope: "row" }, `macro (accuracy ${formatMetric(head.accuracy)})`),
      ...[
        "",
        "",
        "",
        formatMetric(head.macro.f1),
        "",
        formatMetric(head.macro.precision),
        formatMetric(head.macro.recall),
      ].map((v) => h("td", { class: "num" }, v)),
    );
  }
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "compact label-metrics" },
      h("thead", {}, h("tr", {}, th)),
      h("tbody", {}, rows, macro),
    ),
  );
}

function curves(
  ctx: PageContext,
  head: string,
  labels: string[],
  metrics: ModelMetrics,
): HTMLElement {
  const roc = labels.flatMap((label, i) => {
    const c = metrics.curves[`${head}/${label}`]?.roc;
    if (!c) return [];
    return [
      {
        label,
        data: c.fpr.map((x, k) => ({ x, y: c.tpr[k] ?? 0 })),
        borderColor: color(i),
        backgroundColor: color(i),
        showLine: true,
        pointRadius: 0,
        borderWidth: 2,
      },
    ];
  });
  const pr = labels.flatMap((label, i) => {
    const c = metrics.curves[`${head}/${label}`]?.pr;
    if (!c) return [];
    return [
      {
        label,
        data: c.recall.map((x, k) => ({ x, y: c.precision[k] ?? 0 })),
        borderColor: color(i),
        backgroundColor: color(i),
        showLine: true,
        pointRadius: 0,
        borderWidth: 2,
      },
    ];
  });
  if (roc.length === 0 && pr.length === 0) return empty("No curves for this head.");
  const axis = (text: string) => ({
    type: "linear" as const,
    min: 0,
    max: 1,
    title: { display: true, text },
  });
  const rocChart = makeChart(ctx, `roc-${head}`, `ROC curves (${head})`, {
    type: "scatter",
    data: {
      datasets: [
        ...roc,
        {
          label: "chance",
          data: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
          borderColor: "#cbd5e1",
          backgroundColor: "#cbd5e1",
          borderDash: [4, 4],
          showLine: true,
          pointRadius: 0,
          borderWidth: 1,
        },
      ],
    },
    options: {
      parsing: false,
      plugins: { legend: { position: "bottom" } },
      scales: { x: axis("false positive rate"), y: axis("true positive rate") },
    },
  });
  const prChart = makeChart(ctx, `pr-${head}`, `Precision-recall curves (${head})`, {
    type: "scatter",
    data: { datasets: pr },
    options: {
      parsing: false,
      plugins: { legend: { position: "bottom" } },
      scales: { x: axis("recall"), y: axis("precision") },
    },
  });
  return h("div", { class: "chart-row two" }, rocChart.figure, prChart.figure);
}
