// Fails the build when dist/client is not a complete, deployable PWA: a missing service worker
// (TanStack Start has been seen to drop it silently), page, icon or unfilled _headers placeholder.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const clientDir = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "client");
const problems = [];

function requireFile(path, why) {
  if (!existsSync(join(clientDir, path))) problems.push(`dist/client/${path} is missing (${why})`);
}

requireFile("sw.js", "the service worker; generate-sw did not run or failed");
for (const page of ["index.html", "terminal.html", "console.html", "balance.html", "404.html"]) {
  requireFile(page, "a prerendered page");
}
requireFile("_headers", "Pages response headers");
requireFile("_redirects", "Pages rewrites");

const manifestPath = join(clientDir, "manifest.webmanifest");
if (existsSync(manifestPath)) {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  for (const icon of manifest.icons ?? [])
    requireFile(icon.src.replace(/^\//, ""), "an icon the manifest lists");
} else {
  problems.push("dist/client/manifest.webmanifest is missing");
}

if (existsSync(join(clientDir, "sw.js"))) {
  const sw = readFileSync(join(clientDir, "sw.js"), "utf8");
  for (const page of ["index.html", "terminal.html", "404.html"]) {
    if (!sw.includes(`"${page}"`)) problems.push(`sw.js does not precache ${page}`);
  }
}

if (existsSync(join(clientDir, "_headers"))) {
  const headers = readFileSync(join(clientDir, "_headers"), "utf8");
  if (/__[A-Z_]+__/.test(headers)) problems.push("dist/client/_headers still has unfilled placeholders");
}

if (problems.length > 0) {
  console.error(`check-build: the build is incomplete:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log("check-build: dist/client has the service worker, every page, the icons and filled-in _headers");
