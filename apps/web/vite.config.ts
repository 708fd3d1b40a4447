// Builds the web app with TanStack Start, prerendering every known page to static HTML for Pages.
import { tanstackStart } from "@tanstack/react-start/plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";
import { resolveWorkerUrls } from "./src/config/worker-urls.ts";

export default defineConfig(({ mode }) => {
  // Fail the build (and the dev server) early on a malformed VITE_*_URL instead of at first fetch.
  resolveWorkerUrls(loadEnv(mode, process.cwd(), "VITE_"));
  return {
    server: {
      // `pnpm dev --host/--port` override these; the defaults match scripts/dev.mjs.
      host: "127.0.0.1",
      port: 8780,
      strictPort: true,
    },
    plugins: [
      tanstackStart({
        prerender: {
          // SPA mode's shell hits a React hydration mismatch (#418) in this TanStack Start version;
          // prerendering each route gives clean, offline-cacheable pages instead.
          enabled: true,
          crawlLinks: true,
          // `/terminal` → terminal.html, which both Pages and workbox's precache (cleanURLs) map back.
          autoSubfolderIndex: false,
          failOnError: true,
        },
        // The catch-all route rendered as 404.html: Pages answers unknown paths with it (a 404 status),
        // and the service worker uses it as the offline navigation fallback.
        pages: [{ path: "/404" }],
      }),
      react(),
    ],
  };
});
