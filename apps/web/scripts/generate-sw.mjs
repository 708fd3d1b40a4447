// Generates the service worker over the finished build (dist/client). TanStack Start's build skips
// plugin-made service workers, so workbox-build runs as its own step after `vite build`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSW } from "workbox-build";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const clientDir = join(appDir, "dist", "client");

const { count, size, warnings } = await generateSW({
  globDirectory: clientDir,
  // The whole app shell: every prerendered page, its scripts and styles, the manifest and icons.
  globPatterns: ["**/*.{html,js,css,webmanifest,png,svg}"],
  // Pages configuration files are never served; sw.js must not precache itself.
  globIgnores: ["_headers", "_redirects", "sw.js"],
  swDest: join(clientDir, "sw.js"),
  // Vite's hashed file names already change with their content; no extra revision needed.
  dontCacheBustURLsMatching: /^assets\//,
  // `/` is precached as index.html; `/terminal` finds terminal.html through workbox's default cleanURLs.
  directoryIndex: "index.html",
  // Unknown paths get the prerendered catch-all page, as Pages would serve them online.
  navigateFallback: "/404.html",
  // A kiosk must not swap code under a customer's tap: the page asks for skipWaiting when idle.
  skipWaiting: false,
  // The first install takes over the open page at once, so a kiosk is offline-ready without a reload.
  clientsClaim: true,
  cleanupOutdatedCaches: true,
  // One file to serve and cache-control; no separate workbox-*.js for the CSP and _headers to cover.
  inlineWorkboxRuntime: true,
  sourcemap: false,
  // Calls to the Workers have no route here on purpose: grants, policy and events are kept by the app in
  // IndexedDB, so the worker would only add a hop, and a call it relayed that failed or was aborted would reach
  // the page as an opaque net::ERR_FAILED instead of the real network error.
  runtimeCaching: [
    {
      // Hashed bundles too large for the precache (over 2 MiB) still load offline once fetched; their content never changes.
      urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith("/assets/"),
      handler: "CacheFirst",
      options: { cacheName: "tessera-assets", expiration: { maxEntries: 64 } },
    },
  ],
});

for (const warning of warnings) console.warn(`generate-sw: ${warning}`);
console.log(`sw.js: precaches ${count} files (${(size / 1024).toFixed(1)} KiB)`);
