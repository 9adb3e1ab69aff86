// Hash routing: "#/jobs/<id>" → the jobs page with params ["<id>"]. Each navigation gets a fresh
// PageContext; leaving a page runs its cleanups (stops polling, destroys charts) and aborts its
// signal so late answers are dropped instead of drawn on the next page.

export interface PageContext {
  root: HTMLElement;
  params: string[];
  query: URLSearchParams;
  signal: AbortSignal;
  onCleanup(fn: () => void): void;
  /** True once the person has left this page. */
  readonly left: boolean;
}

export type PageRender = (ctx: PageContext) => void | Promise<void>;

export interface Route {
  name: string; // first path segment, e.g. "files"
  title: string;
  render: PageRender;
}

export function parseHash(hash: string): {
  name: string;
  params: string[];
  query: URLSearchParams;
} {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", search = ""] = raw.split("?", 2);
  const parts = path
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  return { name: parts[0] ?? "", params: parts.slice(1), query: new URLSearchParams(search) };
}

export function link(name: string, ...params: string[]): string {
  return `#/${[name, ...params.map((p) => encodeURIComponent(p))].join("/")}`;
}

export class Router {
  private renders = 0;
  private current: { cleanups: (() => void)[]; controller: AbortController; left: boolean } | null =
    null;

  constructor(
    private readonly routes: Route[],
    private readonly root: HTMLElement,
    private readonly onNavigate: (route: Route) => void,
  ) {}

  start(): void {
    window.addEventListener("hashchange", () => this.render());
    this.render();
  }

  render(): void {
    this.leave();
    const { name, params, query } = parseHash(window.location.hash);
    const route = this.routes.find((r) => r.name === name) ?? this.routes[0];
    if (!route) return;
    const state = {
      cleanups: [] as (() => void)[],
      controller: new AbortController(),
      left: false,
    };
    this.current = state;
    this.root.replaceChildren();
    const ctx: PageContext = {
      root: this.root,
      params,
      query,
      signal: state.controller.signal,
      onCleanup: (fn) => state.cleanups.push(fn),
      get left() {
        return state.left;
      },
    };
    document.title = `${route.title} · Winnow`;
    this.onNavigate(route);
    void route.render(ctx);
    // After an in-app navigation, start keyboard and screen-reader users at the new content
    // (the first page keeps the browser's own start so Tab reaches the skip link first).
    this.renders += 1;
    if (this.renders > 1) {
      window.scrollTo(0, 0);
      this.root.focus({ preventScroll: true });
    }
  }

  /** Leaves the current page (runs its cleanups) without rendering another. */
  stop(): void {
    this.leave();
  }

  private leave(): void {
    const state = this.current;
    if (!state) return;
    state.left = true;
    state.controller.abort();
    for (const fn of state.cleanups) {
      try {
        fn();
      } catch {
        /* a cleanup must not stop the next page */
      }
    }
    this.current = null;
  }
}
