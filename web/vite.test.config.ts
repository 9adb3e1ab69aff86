// Bundles test/*.test.ts for node (`npm test`): the DOM-free helpers, checked with node:test.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    outDir: "test-dist",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    ssr: true,
    lib: { entry: { "unit.test": "test/unit.test.ts" }, formats: ["es"] },
    rollupOptions: { external: [/^node:/] },
  },
});
