// Per-label decision thresholds from a model's metrics report (no DOM: unit-tested under node).
import type { ModelMetrics } from "../api/types";

/** head → label → threshold; a head missing here has no tuned thresholds (argmax is marked). */
export type Thresholds = Map<string, Map<string, number>>;

export function thresholdsFrom(metrics: ModelMetrics): Thresholds {
  const out: Thresholds = new Map();
  for (const head of metrics.heads) {
    const m = new Map<string, number>();
    const rows = head.kind === "multi_label" ? head.labels : head.classes;
    for (const row of rows) if (typeof row.threshold === "number") m.set(row.name, row.threshold);
    if (m.size > 0) out.set(head.head, m);
  }
  return out;
}
