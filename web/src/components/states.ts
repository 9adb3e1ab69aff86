// Loading, error and empty states, the same everywhere. Errors are role="alert" so screen
// readers announce them; loading is aria-busy.
import { h } from "./dom";
import { errorMessage } from "../api/errors";

export function loading(what: string): HTMLElement {
  return h(
    "p",
    { class: "state loading", "aria-busy": "true", role: "status" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    ` Loading ${what}…`,
  );
}

export function errorBox(err: unknown, context?: string): HTMLElement {
  const msg = errorMessage(err);
  return h(
    "div",
    { class: "state error", role: "alert" },
    h("strong", {}, context ? `${context}: ` : "Error: "),
    msg,
  );
}

export function empty(text: string): HTMLElement {
  return h("p", { class: "state empty" }, text);
}

export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status.toLowerCase()}` }, status);
}
