// One file: its first lines and the validation report with every bad line.
import { api } from "../api/client";
import type { ValidationProblem, ValidationReport } from "../api/types";
import { h, replace, uid } from "../components/dom";
import { formatBytes, formatCount, formatPercent, formatTime } from "../components/format";
import { errorBox, loading } from "../components/states";
import { splitProblem } from "../lib/problems";
import { link, type PageContext } from "../router";

const PREVIEW_SIZES = [20, 100, 1000];

export async function renderFileDetail(ctx: PageContext, id: string): Promise<void> {
  const header = h("div", {}, loading("file"));
  const previewBox = h("div", { class: "preview-box" });
  const validationBox = h("div", { class: "validation-box", "data-testid": "validation" });
  const sizeId = uid("preview-lines");
  const sizeSelect = h(
    "select",
    { id: sizeId },
    PREVIEW_SIZES.map((n) => h("option", { value: n }, `${n} lines`)),
  );
  sizeSelect.addEventListener("change", () => void loadPreview(Number(sizeSelect.value)));

  replace(
    ctx.root,
    h("p", { class: "crumbs" }, h("a", { href: link("files") }, "← Files")),
    header,
    h(
      "section",
      { "aria-labelledby": "preview-h" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "preview-h" }, "Preview"),
        h("label", { for: sizeId }, "Show ", sizeSelect),
      ),
      previewBox,
    ),
    h(
      "section",
      { "aria-labelledby": "validation-h" },
      h("h2", { id: "validation-h" }, "Validation"),
      validationBox,
    ),
  );

  const loadPreview = async (lines: number): Promise<void> => {
    replace(previewBox, loading("preview"));
    try {
      const p = await api.previewFile(id, lines);
      if (ctx.left) return;
      const shown = p.lines.length;
      replace(
        previewBox,
        h(
          "p",
          { class: "muted" },
          `First ${formatCount(shown)} of ${formatCount(p.total_lines)} lines.`,
        ),
        h(
          "ol",
          { class: "preview", tabindex: 0, "aria-label": "File preview" },
          p.lines.map((line) => h("li", {}, h("code", {}, line))),
        ),
      );
    } catch (err) {
      if (!ctx.left) replace(previewBox, errorBox(err, "Could not preview"));
    }
  };

  void api
    .getFile(id)
    .then((f) => {
      if (ctx.left) return;
      replace(
        header,
        h("h1", {}, f.filename),
        h(
          "dl",
          { class: "facts" },
          fact("Id", h("span", { class: "mono" }, f.id)),
          fact("Size", formatBytes(f.bytes)),
          fact("Lines", formatCount(f.num_lines)),
          fact("Uploaded", formatTime(f.created_at)),
          fact(
            "Charts",
            h(
              "a",
              { href: `${link("data")}?files=${encodeURIComponent(f.id)}` },
              "Label distribution",
            ),
          ),
        ),
      );
    })
    .catch((err: unknown) => {
      if (!ctx.left) replace(header, h("h1", {}, "File"), errorBox(err, "Could not load the file"));
    });
  void loadPreview(PREVIEW_SIZES[0] ?? 20);

  replace(validationBox, loading("validation report"));
  try {
    const report = await api.validateFile(id);
    if (!ctx.left) replace(validationBox, validationView(report));
  } catch (err) {
    if (!ctx.left) replace(validationBox, errorBox(err, "Could not validate"));
  }
}

function fact(term: string, value: Node | string): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function validationView(report: ValidationReport): HTMLElement {
  const problems: ValidationProblem[] = report.problems;
  const ok = report.valid;
  const summary = ok
    ? h(
        "p",
        { class: "verdict ok", role: "status" },
        "✓ Valid: ",
        `${formatCount(report.samples)} samples in ${formatCount(report.lines)} lines.`,
      )
    : h(
        "p",
        { class: "verdict bad", role: "alert" },
        "✗ Invalid: ",
        `${formatCount(report.problem_count)} problem${report.problem_count === 1 ? "" : "s"} (every one is listed below).`,
      );
  const heads = report.heads.map((head) => {
    const total = head.samples;
    return h(
      "div",
      { class: "head-summary" },
      h(
        "h3",
        {},
        `Head “${head.name}”`,
        h(
          "span",
          { class: "muted" },
          ` ${head.multi_label ? "multi-label" : "single-label"}, ${head.labels.length} labels, ${formatCount(total)} samples`,
        ),
      ),
      h(
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
              h("th", { scope: "col" }, "Label"),
              h("th", { scope: "col", class: "num" }, "Samples"),
              h("th", { scope: "col", class: "num" }, "Share"),
            ),
          ),
          h(
            "tbody",
            {},
            head.labels.map((l) =>
              h(
                "tr",
                {},
                h("td", {}, l.name),
                h("td", { class: "num" }, formatCount(l.count)),
                h("td", { class: "num" }, formatPercent(l.count, total)),
              ),
            ),
          ),
        ),
      ),
    );
  });
  const problemTable =
    problems.length === 0
      ? null
      : h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "problems", "data-testid": "problems" },
            h("caption", {}, "Bad lines"),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col", class: "num" }, "Line"),
                h("th", { scope: "col" }, "Field"),
                h("th", { scope: "col" }, "Problem"),
              ),
            ),
            h(
              "tbody",
              {},
              problems.map((p) => {
                const [field, text] = splitProblem(p.message);
                return h(
                  "tr",
                  {},
                  h("td", { class: "num" }, p.line > 0 ? String(p.line) : "file"),
                  h("td", { class: "mono" }, field || "—"),
                  h("td", {}, text),
                );
              }),
            ),
          ),
        );
  return h("div", {}, summary, problemTable, heads);
}
