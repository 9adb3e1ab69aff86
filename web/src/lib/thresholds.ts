// Per-label decision thresholds from a model's metrics report (no DOM: unit-tested under node).
import type { ModelMetrics } from "../api/types";

/** head → label → threshold; a head missing here has no tuned thresholds (argmax is marked). */
export type Thresholds = Map<string, Map<string, number>>;

export function thresholdsFrom(metrics: ModelMetrics): Thresholds {
  const out: Thresholds = new Map();
  for (const head of metrics.heads) {
    // Single-label heads decide by argmax; a head no validation sample carries has no report.
    if (!("kind" in head) || head.kind !== "multi_label") continue;
    const m = new Map<string, number>();
    for (const row of head.labels)
      if (typeof row.threshold === "number") m.set(row.name, row.threshold);
    if (m.size > 0) out.set(head.head, m);
  }
  return out;
}
