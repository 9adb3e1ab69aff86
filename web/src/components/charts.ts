// Chart.js, registered with only the pieces the pages use (keeps the bundle small). Every chart
// sits in a <figure data-chart="NAME" data-points="N"> so a person sees a caption and the browser
// test can check that a chart was drawn with data points.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { h } from "./dom";
import type { PageContext } from "../router";

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  ScatterController,
  Tooltip,
);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = "#334155";
Chart.defaults.animation = false; // live curves redraw every poll; no jumping

/** Distinguishable colours (Tableau 10), used in order per label. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];
export const NO_FLAGS_COLOR = "#9ca3af";

export function color(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#4e79a7";
}

export interface ChartHandle {
  figure: HTMLElement;
  chart: Chart;
  /** Replaces the data (same shape) and redraws; updates data-points. */
  update(apply: (chart: Chart) => void): void;
}

function countPoints(chart: Chart): number {
  let n = 0;
  for (const ds of chart.data.datasets)
    n += (ds.data as unknown[]).filter((v) => v !== null && v !== undefined).length;
  return n;
}

/**
 * Creates a chart in a captioned figure and registers its destruction with the page.
 * `name` is a stable identifier (data-chart); `caption` is what a person reads.
 */
export function makeChart(
  ctx: PageContext,
  name: string,
  caption: string,
  config: ChartConfiguration,
  size: "small" | "wide" = "wide",
): ChartHandle {
  const canvas = h("canvas", { role: "img", "aria-label": caption });
  const box = h("div", { class: `chart-box chart-${size}` }, canvas);
  const figure = h(
    "figure",
    { class: `chart chart-${size}`, "data-chart": name },
    h("figcaption", {}, caption),
    box,
  );
  const chart = new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, ...(config.options ?? {}) },
  });
  figure.dataset["points"] = String(countPoints(chart));
  ctx.onCleanup(() => chart.destroy());
  return {
    figure,
    chart,
    update(apply) {
      apply(chart);
      chart.update();
      figure.dataset["points"] = String(countPoints(chart));
    },
  };
}
