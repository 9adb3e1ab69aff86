// Build: `npm run build` writes web/dist (served by `winnow serve` at `/`, assets under /assets/).
// Dev: `WINNOW_API=http://127.0.0.1:8080 npm run dev` proxies /v1 to a running server.
import { defineConfig } from "vite";

const api = process.env["WINNOW_API"] ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { "/v1": api } },
});
