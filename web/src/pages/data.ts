// Data page: the tutorial's Step 2 figure for one or more uploaded files (one row per file /
// split): the category distribution pie (No Flags + each label), flagged vs not flagged, and
// per-label stacked bars. Selection lives in the URL (#/data?files=a,b) so it can be linked.
import { api } from "../api/client";
import type { FileObject, FileStats } from "../api/types";
import { color, makeChart, NO_FLAGS_COLOR } from "../components/charts";
import { h, replace, uid } from "../components/dom";
import { formatCount, formatPercent } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";

export async function renderData(ctx: PageContext): Promise<void> {
  const selected = (ctx.query.get("files") ?? "").split(",").filter((s) => s !== "");
  const picker = h("div", {}, loading("files"));
  const rows = h("div", { class: "split-rows" });
  replace(
    ctx.root,
    h("h1", {}, "Data"),
    h(
      "p",
      { class: "lead" },
      "Label distribution of uploaded files, as in the tutorial's Step 2: pick a file, or several splits to compare them row by row.",
    ),
    picker,
    rows,
  );

  let files: FileObject[];
  try {
    files = (await api.listFiles()).data;
  } catch (err) {
    if (!ctx.left) replace(picker, errorBox(err, "Could not list files"));
    return;
  }
  if (ctx.left) return;
  if (files.length === 0) {
    replace(
      picker,
      empty("No files uploaded yet."),
      h("a", { class: "button", href: link("files") }, "Upload a file"),
    );
    return;
  }
  replace(picker, filePicker(files, selected));
  if (selected.length === 0) {
    replace(rows, empty("Choose one or more files above and press “Show charts”."));
    return;
  }

  // The same colour for a label in every row, in order of first appearance.
  const labelColors = new Map<string, string>();
  const colorOf = (label: string): string => {
    if (!labelColors.has(label)) labelColors.set(label, color(labelColors.size));
    return labelColors.get(label) ?? color(0);
  };

  const labelRanks = new Map<string, number>();
  const labelRank = (label: string): number => {
    if (!labelRanks.has(label)) labelRanks.set(label, labelRanks.size);
    return labelRanks.get(label) ?? 0;
  };

  replace(rows);
  for (const id of selected) {
    const file = files.find((f) => f.id === id);
    const title = file ? file.filename : id;
    const row = h(
      "section",
      { class: "split-row", "data-file-id": id },
      h("h2", {}, title),
      loading("statistics"),
    );
    rows.appendChild(row);
    await loadRow(ctx, row, id, title, undefined, colorOf, labelRank);
    if (ctx.left) return;
  }
}

/** Fills one row with the charts of `head` (the file's first head when undefined). */
async function loadRow(
  ctx: PageContext,
  row: HTMLElement,
  id: string,
  title: string,
  head: string | undefined,
  colorOf: (label: string) => string,
  labelRank: (label: string) => number,
): Promise<void> {
  try {
    const stats = await api.fileStats(id, head);
    if (ctx.left) return;
    let headPicker: HTMLElement | null = null;
    if (stats.heads.length > 1) {
      const selectId = uid("head");
      const select = h(
        "select",
        { id: selectId },
        stats.heads.map((name) =>
          h("option", { value: name, selected: name === stats.head }, name),
        ),
      );
      select.addEventListener("change", () => {
        replace(row, h("h2", {}, title), loading("statistics"));
        void loadRow(ctx, row, id, title, select.value, colorOf, labelRank);
      });
      headPicker = h("label", { for: selectId, class: "head-picker" }, "Head ", select);
    }
    replace(
      row,
      h("div", { class: "section-head" }, h("h2", {}, title), headPicker),
      ...splitCharts(ctx, stats, colorOf, labelRank),
    );
  } catch (err) {
    if (!ctx.left) replace(row, h("h2", {}, title), errorBox(err, "Could not compute statistics"));
  }
}

function filePicker(files: FileObject[], selected: string[]): HTMLElement {
  const boxes = files.map((f) => {
    const id = uid("pick");
    return h(
      "li",
      {},
      h("input", { type: "checkbox", id, value: f.id, checked: selected.includes(f.id) }),
      h(
        "label",
        { for: id },
        f.filename,
        h("span", { class: "muted" }, ` · ${formatCount(f.num_lines)} lines`),
      ),
    );
  });
  const form = h(
    "form",
    { class: "file-picker" },
    h("fieldset", {}, h("legend", {}, "Files"), h("ul", { class: "checklist" }, boxes)),
    h("button", { type: "submit", class: "primary" }, "Show charts"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const ids = Array.from(
      form.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked"),
    ).map((c) => c.value);
    window.location.hash = `${link("data")}?files=${ids.map(encodeURIComponent).join(",")}`;
  });
  return form;
}

function splitCharts(
  ctx: PageContext,
  stats: FileStats,
  colorOf: (label: string) => string,
  labelRank: (label: string) => number,
): HTMLElement[] {
  const split = stats.splits[0];
  if (!split) return [empty("No samples.")];
  // Labels in one order for every row (first appearance over the selected splits), like the colours.
  for (const l of split.labels) labelRank(l.label); // rank new labels in this split's order first
  const ordered = [...split.labels].sort((a, b) => labelRank(a.label) - labelRank(b.label));
  const labels = ordered.map((l) => l.label);
  const headNote = h(
    "p",
    { class: "muted" },
    `Head “${stats.head}”: ${formatCount(split.samples)} samples, ${formatCount(split.flagged)} flagged (${formatPercent(split.flagged, split.samples)}), ` +
      `${formatCount(split.no_flags)} with no flags (only “${stats.safe_label}” or no value).` +
      (stats.heads.length > 1
        ? ` Other heads: ${stats.heads.filter((x) => x !== stats.head).join(", ")} (pick one above).`
        : ""),
  );
  const category = makeChart(
    ctx,
    "category",
    "Category distribution",
    {
      type: "pie",
      data: {
        labels: ["No Flags", ...labels],
        datasets: [
          {
            data: [split.no_flags, ...ordered.map((l) => l.flagged)],
            backgroundColor: [NO_FLAGS_COLOR, ...labels.map(colorOf)],
          },
        ],
      },
      options: { plugins: { legend: { position: "bottom" } } },
    },
    "small",
  );
  const flagged = makeChart(
    ctx,
    "flagged",
    "Flagged vs not flagged",
    {
      type: "pie",
      data: {
        labels: ["Flagged", "Not flagged"],
        datasets: [
          { data: [split.flagged, split.no_flags], backgroundColor: ["#e15759", "#59a14f"] },
        ],
      },
      options: { plugins: { legend: { position: "bottom" } } },
    },
    "small",
  );
  const perLabel = makeChart(
    ctx,
    "per-label",
    "Flagged vs not flagged per label",
    {
      type: "bar",
      data: {
        labels,
        datasets: [
          { label: "Flagged", data: ordered.map((l) => l.flagged), backgroundColor: "#e15759" },
          {
            label: "Not flagged",
            data: ordered.map((l) => l.not_flagged),
            backgroundColor: "#59a14f",
          },
        ],
      },
      options: {
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "samples" } },
        },
      },
    },
    "small",
  );
  return [
    headNote,
    h("div", { class: "chart-row" }, category.figure, flagged.figure, perLabel.figure),
  ];
}
