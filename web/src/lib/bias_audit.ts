// What the model page's bias-audit table shows of an audit (no DOM: unit-tested under node).
import type { BiasAuditLabel, BiasAuditSubgroup } from "../api/types";

/** The subgroups that get a row (those with samples, in the audit's order), and the names of
 * those without any sample, listed on one line instead of as rows of dashes (as `winnow eval`). */
export function subgroupRows(label: BiasAuditLabel): {
  rows: BiasAuditSubgroup[];
  withoutSamples: string[];
} {
  const rows: BiasAuditSubgroup[] = [];
  const withoutSamples: string[] = [];
  for (const g of label.subgroups) {
    if (g.size > 0) rows.push(g);
    else withoutSamples.push(g.name);
  }
  return { rows, withoutSamples };
}

/** "yes", or "no (…)" with the first reason the subgroup is left out of the means, short as
 * `winnow eval` prints it. */
export function averagedText(g: BiasAuditSubgroup, minSubgroupSize: number): string {
  if (g.averaged) return "yes";
  if (g.size < minSubgroupSize) return `no (size < ${minSubgroupSize})`;
  if (g.subgroup_auc === null) return "no (subgroup AUC undefined)";
  if (g.bpsn_auc === null) return "no (BPSN undefined)";
  return "no (BNSP undefined)";
}
