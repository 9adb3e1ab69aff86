// Playground: classify one or many lines with a fine-tuned model and show each label's score as a
// bar against the label's tuned threshold (from the model's validation metrics).
import { api } from "../api/client";
import { ApiError } from "../api/errors";
import type { ClassificationResponse, ModelCard } from "../api/types";
import { thresholdsFrom, type Thresholds } from "../lib/thresholds";
import { h, replace, uid } from "../components/dom";
import { formatMetric } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";

export async function renderPlayground(ctx: PageContext): Promise<void> {
  const box = h("div", {}, loading("models"));
  replace(ctx.root, h("h1", {}, "Playground"), box);
  let models: ModelCard[];
  try {
    models = (await api.listModels()).data.filter((m) => m.type === "fine-tuned");
  } catch (err) {
    if (!ctx.left) replace(box, errorBox(err, "Could not list models"));
    return;
  }
  if (ctx.left) return;
  if (models.length === 0) {
    replace(box, empty("No fine-tuned model yet."), h("a", { class: "button", href: link("jobs", "new") }, "Train one"));
    return;
  }
  models.sort((a, b) => Number(a.archived ?? false) - Number(b.archived ?? false) || (b.created ?? 0) - (a.created ?? 0));
  const wanted = ctx.query.get("model");
  const modelId = uid("model");
  const textId = uid("text");
  const select = h(
    "select",
    { id: modelId, name: "model" },
    models.map((m) => h("option", { value: m.id, selected: m.id === wanted }, `${m.name ? `${m.name} — ` : ""}${m.id}${m.archived ? " (archived)" : ""}`)),
  );
  const text = h("textarea", { id: textId, name: "text", rows: 5, required: true, placeholder: "Type or paste text. Each non-empty line is classified separately." });
  const submit = h("button", { type: "submit", class: "primary" }, "Classify");
  const note = h("p", { class: "muted threshold-note" });
  const results = h("div", { class: "results", "aria-live": "polite", "data-testid": "results" });
  const form = h(
    "form",
    { class: "playground-form" },
    h("div", { class: "grid-form" }, h("label", { for: modelId }, "Model"), select, h("label", { for: textId }, "Text"), text),
    h("div", { class: "button-row" }, submit, h("span", { class: "hint" }, "Ctrl+Enter classifies")),
  );
  replace(box, form, note, results);

  const thresholdCache = new Map<string, Promise<Thresholds | null>>();
  const thresholdsFor = (model: string): Promise<Thresholds | null> => {
    let p = thresholdCache.get(model);
    if (!p) {
      p = api.modelMetrics(model).then(thresholdsFrom, (err: unknown) => {
        if (err instanceof ApiError && err.status === 409) return null; // no validation files
        throw err;
      });
      thresholdCache.set(model, p);
    }
    return p;
  };

  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const lines = text.value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
    if (lines.length === 0) {
      replace(results, errorBox("Type at least one non-empty line.", "Nothing to classify"));
      return;
    }
    const model = select.value;
    submit.disabled = true;
    replace(results, loading(`scores for ${lines.length} line${lines.length === 1 ? "" : "s"}`));
    try {
      const [res, thresholds] = await Promise.all([api.classify(model, lines), thresholdsFor(model).catch(() => null)]);
      if (ctx.left) return;
      note.textContent = thresholds
        ? "The mark on each bar is the label's threshold tuned on validation data; a label is flagged when its score ≥ threshold."
        : "This model has no tuned thresholds (its job had no validation files): the highest score per head is marked.";
      replace(results, ...resultCards(lines, res, thresholds));
    } catch (err) {
      if (!ctx.left) replace(results, errorBox(err, "Classification failed"));
    } finally {
      submit.disabled = false;
    }
  });
}

function resultCards(lines: string[], res: ClassificationResponse, thresholds: Thresholds | null): HTMLElement[] {
  return res.results.map((result, i) =>
    h(
      "article",
      { class: "result-card" },
      h("blockquote", {}, lines[i] ?? ""),
      Object.entries(result).map(([head, { scores }]) => {
        const headThresholds = thresholds?.get(head);
        const entries = Object.entries(scores);
        const top = entries.reduce((best, e) => (e[1] > best[1] ? e : best), entries[0] ?? ["", 0]);
        return h(
          "div",
          { class: "head-scores" },
          h("h3", {}, head),
          h(
            "ul",
            { class: "score-bars" },
            entries.map(([label, score]) => {
              const threshold = headThresholds?.get(label);
              const flagged = threshold !== undefined ? score >= threshold : label === top[0];
              const pct = Math.max(0, Math.min(1, score)) * 100;
              return h(
                "li",
                { class: flagged ? "flagged" : "", "data-label": label, "data-score": score },
                h("span", { class: "label-name" }, label),
                h(
                  "span",
                  { class: "bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": 1, "aria-valuenow": score, "aria-label": `${label} score` },
                  h("span", { class: "fill", style: `width:${pct.toFixed(1)}%` }),
                  threshold !== undefined ? h("span", { class: "threshold", style: `left:${(Math.max(0, Math.min(1, threshold)) * 100).toFixed(1)}%`, title: `threshold ${formatMetric(threshold)}` }) : null,
                ),
                h("span", { class: "score num" }, formatMetric(score), threshold !== undefined ? h("span", { class: "muted" }, ` / ${formatMetric(threshold)}`) : null, flagged ? h("strong", { class: "flag" }, " flagged") : null),
              );
            }),
          ),
        );
      }),
    ),
  );
}
