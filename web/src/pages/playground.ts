// Playground: classify one or many lines with a fine-tuned model and show each label's score as a
// bar against the label's tuned threshold (from the model's validation metrics), and why: the
// words that raised (red) and lowered (blue) each flagged label, highlighted on the text with
// intensity = size, and the same spans as a text list for keyboard and screen-reader users.
import { api } from "../api/client";
import { ApiError } from "../api/errors";
import type {
  ClassificationResponse,
  ExplainResponse,
  LabelExplanation,
  ModelCard,
} from "../api/types";
import { segments } from "../lib/highlight";
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
    replace(
      box,
      empty("No fine-tuned model yet."),
      h("a", { class: "button", href: link("jobs", "new") }, "Train one"),
    );
    return;
  }
  models.sort(
    (a, b) =>
      Number(a.archived ?? false) - Number(b.archived ?? false) ||
      (b.created ?? 0) - (a.created ?? 0),
  );
  const wanted = ctx.query.get("model");
  const modelId = uid("model");
  const textId = uid("text");
  const select = h(
    "select",
    { id: modelId, name: "model" },
    models.map((m) =>
      h(
        "option",
        { value: m.id, selected: m.id === wanted },
        `${m.name ? `${m.name} — ` : ""}${m.id}${m.archived ? " (archived)" : ""}`,
      ),
    ),
  );
  const text = h("textarea", {
    id: textId,
    name: "text",
    rows: 5,
    required: true,
    placeholder: "Type or paste text. Each non-empty line is classified separately.",
  });
  const submit = h("button", { type: "submit", class: "primary" }, "Classify");
  const note = h("p", { class: "muted threshold-note" });
  const results = h("div", { class: "results", "aria-live": "polite", "data-testid": "results" });
  const form = h(
    "form",
    { class: "playground-form" },
    h(
      "div",
      { class: "grid-form" },
      h("label", { for: modelId }, "Model"),
      select,
      h("label", { for: textId }, "Text"),
      text,
    ),
    h(
      "div",
      { class: "button-row" },
      submit,
      h("span", { class: "hint" }, "Ctrl+Enter classifies"),
    ),
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
    const lines = text.value
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (lines.length === 0) {
      replace(results, errorBox("Type at least one non-empty line.", "Nothing to classify"));
      return;
    }
    const model = select.value;
    submit.disabled = true;
    replace(results, loading(`scores for ${lines.length} line${lines.length === 1 ? "" : "s"}`));
    try {
      // Explanations are best effort: the scores are shown even when they fail (an older
      // server without the route, or more lines than the explain route takes), and the note
      // says why they are missing.
      const [res, thresholds, explained] = await Promise.all([
        api.classify(model, lines),
        thresholdsFor(model).catch(() => null),
        lines.length <= MAX_EXPLAINED_LINES
          ? api
              .explain(model, lines, SPANS_PER_DIRECTION)
              .catch(
                (err: unknown) =>
                  `Explanations failed: ${err instanceof Error ? err.message : String(err)}.`,
              )
          : Promise.resolve(
              `Explanations are shown for up to ${MAX_EXPLAINED_LINES} lines at a time.`,
            ),
      ]);
      if (ctx.left) return;
      note.textContent =
        (thresholds
          ? "The mark on each bar is the label's threshold tuned on validation data; a label is flagged when its score ≥ threshold."
          : "This model has no tuned thresholds (its job had no validation files): the highest score per head is marked.") +
        (typeof explained === "string" ? ` ${explained}` : "");
      replace(
        results,
        ...resultCards(lines, res, thresholds, typeof explained === "string" ? null : explained),
      );
    } catch (err) {
      if (!ctx.left) replace(results, errorBox(err, "Classification failed"));
    } finally {
      submit.disabled = false;
    }
  });
}

const MAX_EXPLAINED_LINES = 64; // the explain route's limit per request
const SPANS_PER_DIRECTION = 8;

function resultCards(
  lines: string[],
  res: ClassificationResponse,
  thresholds: Thresholds | null,
  explained: ExplainResponse | null,
): HTMLElement[] {
  return res.results.map((result, i) =>
    h(
      "article",
      { class: "result-card" },
      explanationView(lines[i] ?? "", explained?.results[i]?.labels ?? []),
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
                  {
                    class: "bar",
                    role: "meter",
                    "aria-valuemin": 0,
                    "aria-valuemax": 1,
                    "aria-valuenow": score,
                    "aria-label": `${label} score`,
                  },
                  h("span", { class: "fill", style: `width:${pct.toFixed(1)}%` }),
                  threshold !== undefined
                    ? h("span", {
                        class: "threshold",
                        style: `left:${(Math.max(0, Math.min(1, threshold)) * 100).toFixed(1)}%`,
                        title: `threshold ${formatMetric(threshold)}`,
                      })
                    : null,
                ),
                h(
                  "span",
                  { class: "score num" },
                  formatMetric(score),
                  threshold !== undefined
                    ? h("span", { class: "muted" }, ` / ${formatMetric(threshold)}`)
                    : null,
                  flagged ? h("strong", { class: "flag" }, " flagged") : null,
                ),
              );
            }),
          ),
        );
      }),
    ),
  );
}

// The text with one label's spans highlighted, a choice of label when several were explained,
// and the spans as a list. Without an explanation it is the plain text.
function explanationView(text: string, labels: LabelExplanation[]): HTMLElement {
  const quote = h("blockquote", { class: "explained-text" }, text);
  if (labels.length === 0) return quote;
  const view = h("div", { class: "explanation", "data-testid": "explanation" });
  const detail = h("div", {});
  const name = (l: LabelExplanation) => `${l.head}/${l.label}`;
  const show = (l: LabelExplanation) => {
    const spans = [...l.raised, ...l.lowered];
    replace(
      quote,
      ...segments(text, spans).map((seg) =>
        seg.contribution === undefined
          ? document.createTextNode(seg.text)
          : h(
              "mark",
              {
                class: seg.contribution > 0 ? "raises" : "lowers",
                style: `--intensity:${(0.2 + 0.8 * (seg.intensity ?? 1)).toFixed(2)}`,
                title: `${seg.contribution > 0 ? "raises" : "lowers"} ${l.label} by ${formatMetric(Math.abs(seg.contribution))}`,
              },
              seg.text,
            ),
      ),
    );
    const item = (s: { text: string; contribution: number }) =>
      h(
        "li",
        {},
        h("q", {}, s.text),
        ` ${s.contribution > 0 ? "+" : "−"}${formatMetric(Math.abs(s.contribution))}`,
      );
    replace(
      detail,
      h(
        "p",
        { class: "muted" },
        `Why ${name(l)} scored ${formatMetric(l.score)}${l.flagged ? " (flagged)" : ""}: red raised it, blue lowered it (contributions in logit units).`,
      ),
      h(
        "div",
        { class: "span-lists" },
        h(
          "div",
          {},
          h("h4", {}, "Raised by"),
          l.raised.length
            ? h("ol", { class: "spans-raised" }, l.raised.map(item))
            : h("p", { class: "muted" }, "nothing"),
        ),
        h(
          "div",
          {},
          h("h4", {}, "Lowered by"),
          l.lowered.length
            ? h("ol", { class: "spans-lowered" }, l.lowered.map(item))
            : h("p", { class: "muted" }, "nothing"),
        ),
      ),
    );
  };
  if (labels.length > 1) {
    const id = uid("explain-label");
    const choice = h(
      "select",
      { id, name: "explain-label" },
      labels.map((l, k) => h("option", { value: String(k) }, name(l))),
    );
    choice.addEventListener("change", () => {
      const picked = labels[Number(choice.value)];
      if (picked) show(picked);
    });
    view.append(h("div", { class: "explain-choice" }, h("label", { for: id }, "Explain"), choice));
  }
  view.prepend(quote);
  view.append(detail);
  show(labels[0] as LabelExplanation); // labels is not empty (checked above)
  return view;
}
