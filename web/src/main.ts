// Entry point: asks the server whether a key is needed, then routes by the URL hash.
import "./styles.css";
import { api, setUnauthorizedHandler } from "./api/client";
import { clearApiKey, getApiKey } from "./api/auth";
import { h, replace } from "./components/dom";
import { errorBox, loading } from "./components/states";
import { renderData } from "./pages/data";
import { renderFileDetail } from "./pages/file_detail";
import { renderFiles } from "./pages/files";
import { renderJobCreate } from "./pages/job_create";
import { renderJobDetail } from "./pages/job_detail";
import { renderJobs } from "./pages/jobs";
import { renderKeyPrompt } from "./pages/key_prompt";
import { renderModelDetail } from "./pages/model_detail";
import { renderModels } from "./pages/models";
import { renderPlayground } from "./pages/playground";
import { Router, type Route } from "./router";

const routes: Route[] = [
  {
    name: "files",
    title: "Files",
    render: (ctx) => (ctx.params[0] ? renderFileDetail(ctx, ctx.params[0]) : renderFiles(ctx)),
  },
  { name: "data", title: "Data", render: renderData },
  {
    name: "jobs",
    title: "Jobs",
    render: (ctx) =>
      ctx.params[0] === "new"
        ? renderJobCreate(ctx)
        : ctx.params[0]
          ? renderJobDetail(ctx, ctx.params[0])
          : renderJobs(ctx),
  },
  {
    name: "models",
    title: "Models",
    render: (ctx) => (ctx.params[0] ? renderModelDetail(ctx, ctx.params[0]) : renderModels(ctx)),
  },
  { name: "playground", title: "Playground", render: renderPlayground },
];

const app = document.getElementById("app");
if (!app) throw new Error("index.html has no #app");

const version = h("span", { class: "version muted" });
const nav = h(
  "nav",
  { "aria-label": "Main" },
  h(
    "ul",
    {},
    routes.map((r) => h("li", {}, h("a", { href: `#/${r.name}`, "data-route": r.name }, r.title))),
  ),
);
const signOut = h(
  "button",
  { type: "button", class: "small link-button", hidden: true },
  "Forget key",
);
const main = h("main", { id: "main", tabindex: -1 });
replace(
  app,
  h(
    "a",
    {
      class: "skip-link",
      href: "#main",
      onclick: (e: Event) => {
        e.preventDefault();
        main.focus();
      },
    },
    "Skip to content",
  ),
  h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/files" }, "Winnow"),
    nav,
    h("div", { class: "top-right" }, version, signOut),
  ),
  main,
);

const markNav = (route: Route): void => {
  for (const a of nav.querySelectorAll<HTMLAnchorElement>("a")) {
    if (a.dataset["route"] === route.name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
};
const router = new Router(routes, main, markNav);
let authRequired = false;
let started = false;

const askForKey = (reason: string | null): void => {
  router.stop(); // no page keeps polling (and failing) behind the form
  nav.hidden = true;
  renderKeyPrompt(main, reason, () => {
    nav.hidden = false;
    signOut.hidden = !authRequired;
    if (started) router.render();
    else {
      started = true;
      router.start();
    }
  });
};

setUnauthorizedHandler(() => {
  clearApiKey();
  askForKey("The server refused the key (401 Unauthorized). Enter a valid key.");
});
signOut.addEventListener("click", () => {
  clearApiKey();
  askForKey(null);
});

async function boot(): Promise<void> {
  replace(main, loading("server information"));
  try {
    const info = await api.info();
    version.textContent = `v${info.version}`;
    authRequired = info.auth_required;
  } catch (err) {
    replace(
      main,
      errorBox(err, "Cannot read /v1/winnow/info"),
      h("button", { type: "button", onclick: () => void boot() }, "Retry"),
    );
    return;
  }
  if (authRequired && !getApiKey()) {
    askForKey(null);
    return;
  }
  signOut.hidden = !authRequired;
  if (!window.location.hash) window.location.replace("#/files");
  started = true;
  router.start();
}

void boot();
