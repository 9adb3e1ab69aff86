// The model page's bias-audit section: per audited head and label, a table of identity
// subgroups (size, positives, Subgroup / BPSN / BNSP AUC, whether the subgroup is averaged) with
// the power means and the final bias metric, from /v1/winnow/models/{id}/bias-audit, which
// answers 404 when training stored no audit (then a note says how to get one).
import { api } from "../api/client";
import { ApiError } from "../api/errors";
import type { BiasAuditHead, BiasAuditLabel } from "../api/types";
import { h, replace } from "../components/dom";
import { formatCount, formatMetric } from "../components/format";
import { empty, errorBox } from "../components/states";
import { averagedText, subgroupRows } from "../lib/bias_audit";
import type { PageContext } from "../router";

function noAuditNote(): HTMLElement {
  return h(
    "p",
    { class: "state empty", "data-testid": "no-bias-audit" },
    "No bias audit for this model. To get one, train it with a validation file prepared with ",
    h("code", {}, "winnow prepare --identity-columns"),
    " (jigsaw, all or a list of identities): training then audits the model on it.",
  );
}

export async function loadBiasAudit(ctx: PageContext, id: string, box: HTMLElement): Promise<void> {
  try {
    const audit = await api.modelBiasAudit(id);
    if (ctx.left) return;
    replace(box, ...audit.bias_audit.map(headView));
  } catch (err) {
    if (ctx.left) return;
    if (err instanceof ApiError && err.status === 404) {
      replace(box, noAuditNote());
    } else {
      replace(box, errorBox(err, "Could not load the bias audit"));
    }
  }
}

function headView(audit: BiasAuditHead): HTMLElement {
  return h(
    "div",
    { class: "bias-audit-head", "data-head": audit.head },
    h(
      "h3",
      {},
      `Head “${audit.head}”`,
      h(
        "span",
        { class: "muted" },
        ` ${formatCount(audit.samples)} validation samples, ${audit.identities.length} identities`,
      ),
    ),
    h(
      "p",
      { class: "muted" },
      `A sample is in a subgroup when its identity value is ≥ ${audit.identity_threshold}. ` +
        "Low Subgroup AUC: the model cannot tell toxic from benign within the group. " +
        "Low BPSN AUC: innocent mentions of the group score above toxic text elsewhere (false positives). " +
        "Low BNSP AUC: toxic text about the group scores below benign text elsewhere (misses). " +
        `Subgroups under ${formatCount(audit.min_subgroup_size)} samples are shown but not averaged.`,
    ),
    audit.labels.map((l) => labelTable(audit, l)),
    audit.labels.length === 0 ? empty("No label of this head was audited.") : null,
  );
}

function labelTable(audit: BiasAuditHead, label: BiasAuditLabel): HTMLElement {
  const { rows, withoutSamples } = subgroupRows(label);
  const cols = [
    "Subgroup",
    "Size",
    "Positives",
    "Subgroup AUC",
    "BPSN AUC",
    "BNSP AUC",
    "Averaged",
  ];
  const head = h(
    "tr",
    {},
    cols.map((c, i) => h("th", { scope: "col", class: i > 0 && i < 6 ? "num" : "" }, c)),
  );
  const body = rows.map((g) =>
    h(
      "tr",
      {
        "data-subgroup": g.name,
        "data-averaged": String(g.averaged),
        class: g.averaged ? "" : "not-averaged",
      },
      h("th", { scope: "row" }, g.name),
      [
        formatCount(g.size),
        formatCount(g.positives),
        formatMetric(g.subgroup_auc),
        formatMetric(g.bpsn_auc),
        formatMetric(g.bnsp_auc),
      ].map((v) => h("td", { class: "num" }, v)),
      h(
        "td",
        { class: "averaged", title: g.not_averaged_reason ?? "" },
        averagedText(g, audit.min_subgroup_size),
      ),
    ),
  );
  const means = h(
    "tr",
    { class: "macro" },
    h("th", { scope: "row" }, `Power mean (p = ${audit.power})`),
    h("td", { class: "num" }, ""),
    h("td", { class: "num" }, ""),
    [label.power_mean.subgroup_auc, label.power_mean.bpsn_auc, label.power_mean.bnsp_auc].map((v) =>
      h("td", { class: "num" }, formatMetric(v)),
    ),
    h("td", {}, `${label.subgroups_averaged} subgroup${label.subgroups_averaged === 1 ? "" : "s"}`),
  );
  const final =
    label.final_metric !== null
      ? h(
          "p",
          { class: "final-metric", "data-testid": "final-metric" },
          h("strong", {}, `Final bias metric ${formatMetric(label.final_metric, 4)}`),
          ` = ${audit.weights.overall_auc} × overall AUC + ${audit.weights.subgroup_auc} × each power mean`,
        )
      : h(
          "p",
          { class: "final-metric", "data-testid": "final-metric" },
          h("strong", {}, "Final bias metric —"),
          ` ${label.final_metric_note ?? ""}`,
        );
  return h(
    "div",
    { class: "bias-audit-label", "data-label": label.name },
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "compact bias-audit" },
        h(
          "caption",
          {},
          `Label “${label.name}”: ${formatCount(label.positives)} positives of ${formatCount(label.samples)}, overall AUC ${formatMetric(label.overall_auc)}`,
        ),
        h("thead", {}, head),
        h("tbody", {}, body, means),
      ),
    ),
    withoutSamples.length > 0
      ? h("p", { class: "muted" }, `No samples in: ${withoutSamples.join(", ")}.`)
      : null,
    final,
  );
}
