// The API-key form shown when the server requires a key and this tab has none (or it was refused).
import { api } from "../api/client";
import { clearApiKey, setApiKey } from "../api/auth";
import { h, replace } from "../components/dom";
import { errorBox, loading } from "../components/states";

export function renderKeyPrompt(
  root: HTMLElement,
  reason: string | null,
  onAccepted: () => void,
): void {
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
  });
  const status = h(
    "div",
    { "aria-live": "polite" },
    reason ? errorBox(reason, "Key refused") : null,
  );
  const form = h(
    "form",
    { class: "key-form card" },
    h("h1", {}, "API key"),
    h(
      "p",
      {},
      "This server needs an API key. It is kept in this browser tab only (sessionStorage) and sent as ",
      h("code", {}, "Authorization: Bearer"),
      ".",
    ),
    h("label", { for: "api-key" }, "Key"),
    input,
    h("button", { type: "submit", class: "primary" }, "Continue"),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    replace(status, loading("— checking the key"));
    try {
      await api.listModels(); // any authenticated route: a wrong key answers 401
      onAccepted();
    } catch (err) {
      clearApiKey();
      replace(status, errorBox(err, "Key refused"));
      input.select();
    }
  });
  replace(root, form);
  input.focus();
}
