// Jobs page: the list of fine-tuning jobs with their status (refreshed while any is active).
import { api } from "../api/client";
import { TERMINAL_STATUSES, type Job } from "../api/types";
import { h, replace } from "../components/dom";
import { formatTime, shortId } from "../components/format";
import { empty, errorBox, loading, statusBadge } from "../components/states";
import { link, type PageContext } from "../router";

const POLL_MS = 2000;

export function renderJobs(ctx: PageContext): void {
  const listBox = h("div", {}, loading("jobs"));
  const refreshError = h("div", { "aria-live": "polite" });
  replace(
    ctx.root,
    h(
      "div",
      { class: "section-head" },
      h("h1", {}, "Jobs"),
      h("a", { class: "button primary", href: link("jobs", "new") }, "New job"),
    ),
    refreshError,
    listBox,
  );

  let timer: number | undefined;
  ctx.onCleanup(() => window.clearTimeout(timer));
  let first = true;
  const refresh = async (): Promise<void> => {
    try {
      const res = await api.listJobs();
      if (ctx.left) return;
      replace(refreshError);
      replace(listBox, jobTable(res.data));
      if (res.data.some((j) => !TERMINAL_STATUSES.has(j.status)))
        timer = window.setTimeout(() => void refresh(), POLL_MS);
    } catch (err) {
      if (ctx.left) return;
      if (first) replace(listBox, errorBox(err, "Could not list jobs"));
      else {
        replace(refreshError, errorBox(err, "Refresh failed; retrying"));
        timer = window.setTimeout(() => void refresh(), POLL_MS * 2);
      }
    }
    first = false;
  };
  void refresh();
}

function jobTable(jobs: Job[]): HTMLElement {
  if (jobs.length === 0)
    return h(
      "div",
      {},
      empty("No jobs yet."),
      h("a", { class: "button", href: link("jobs", "new") }, "Create the first job"),
    );
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "jobs-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Job"),
          h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col" }, "Base model"),
          h("th", { scope: "col", class: "hide-phone" }, "Created"),
          h("th", { scope: "col" }, "Fine-tuned model"),
        ),
      ),
      h(
        "tbody",
        {},
        jobs.map((j) =>
          h(
            "tr",
            { "data-job-id": j.id },
            h(
              "td",
              {},
              h("a", { href: link("jobs", j.id), class: "mono", title: j.id }, shortId(j.id)),
              j.suffix ? h("span", { class: "muted" }, ` ${j.suffix}`) : null,
            ),
            h("td", {}, statusBadge(j.status)),
            h("td", { class: "nowrap" }, j.model),
            h("td", { class: "hide-phone nowrap" }, formatTime(j.created_at)),
            h(
              "td",
              { class: "mono wrap" },
              j.fine_tuned_model
                ? h("a", { href: link("models", j.fine_tuned_model) }, j.fine_tuned_model)
                : "—",
            ),
          ),
        ),
      ),
    ),
  );
}
