import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: {
    // antd and the Cognito SDK are large: keep them in their own long-cached chunks.
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npm run dev` against a local runtime started with `scripts/run` (default port 8000).
    proxy: {
      "/v1": "http://127.0.0.1:8000",
      "/config.json": "http://127.0.0.1:8000",
      "/_local": "http://127.0.0.1:8000",
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test-setup.ts"],
    css: false,
    // Rendering antd in jsdom takes seconds on a loaded CI machine; 5 s made tests fail on load, not on bugs.
    testTimeout: 30_000,
  },
});
