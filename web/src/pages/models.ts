// Models page: the fine-tuned models with their names and archive state.
import { api } from "../api/client";
import type { ModelCard } from "../api/types";
import { h, replace } from "../components/dom";
import { formatTime, shortId } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";

export async function renderModels(ctx: PageContext): Promise<void> {
  const box = h("div", {}, loading("models"));
  replace(ctx.root, h("h1", {}, "Models"), box);
  try {
    const res = await api.listModels();
    if (ctx.left) return;
    const tuned = res.data.filter((m) => m.type === "fine-tuned");
    const base = res.data.filter((m) => m.type === "base");
    replace(
      box,
      tuned.length === 0
        ? h(
            "div",
            {},
            empty("No fine-tuned models yet: a job that reaches SUCCESS publishes one."),
            h("a", { class: "button", href: link("jobs", "new") }, "New job"),
          )
        : modelTable(tuned),
      h("h2", {}, "Base models"),
      h("p", { class: "muted" }, base.map((m) => m.id).join(", ") || "none"),
    );
  } catch (err) {
    if (!ctx.left) replace(box, errorBox(err, "Could not list models"));
  }
}

function modelTable(models: ModelCard[]): HTMLElement {
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "models-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Model"),
          h("th", { scope: "col" }, "Name"),
          h("th", { scope: "col", class: "hide-phone" }, "Base"),
          h("th", { scope: "col" }, "Job"),
          h("th", { scope: "col", class: "hide-phone" }, "Created"),
          h("th", { scope: "col" }, "State"),
        ),
      ),
      h(
        "tbody",
        {},
        models.map((m) =>
          h(
            "tr",
            { "data-model-id": m.id },
            h("td", { class: "mono wrap" }, h("a", { href: link("models", m.id) }, m.id)),
            h("td", {}, m.name ?? "—"),
            h("td", { class: "hide-phone" }, m.root ?? "—"),
            h(
              "td",
              {},
              m.job ? h("a", { href: link("jobs", m.job), class: "mono" }, shortId(m.job)) : "—",
            ),
            h("td", { class: "hide-phone" }, formatTime(m.created)),
            h(
              "td",
              {},
              m.archived
                ? h("span", { class: "badge archived" }, "archived")
                : h("span", { class: "badge active" }, "active"),
            ),
          ),
        ),
      ),
    ),
  );
}
