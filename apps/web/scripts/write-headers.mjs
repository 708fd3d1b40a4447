// Completes dist/client/_headers after `vite build`: the Content-Security-Policy gets the hashes of
// the prerendered pages' inline scripts and the configured Worker origins, so it can stay strict
// (no 'unsafe-inline', connect-src limited to our own Workers).
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEnv } from "vite";
import { resolveWorkerUrls, workerOrigins } from "../src/config/worker-urls.ts";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const clientDir = join(appDir, "dist", "client");
const headersFile = join(clientDir, "_headers");

// The same values `vite build` saw: .env files, then the process environment.
const env = loadEnv(process.env.MODE ?? "production", appDir, "VITE_");
const origins = workerOrigins(resolveWorkerUrls(env));

// React writes inline scripts without attributes other than data-*; their text is what the hash covers.
const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;

const hashes = new Set();
const htmlFiles = (await readdir(clientDir, { recursive: true })).filter((file) => file.endsWith(".html"));
for (const file of htmlFiles) {
  const html = await readFile(join(clientDir, file), "utf8");
  for (const [, body] of html.matchAll(INLINE_SCRIPT)) {
    if (body.trim() === "") continue;
    hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
}

const template = await readFile(headersFile, "utf8");
if (!template.includes("__INLINE_SCRIPT_HASHES__") || !template.includes("__WORKER_ORIGINS__")) {
  throw new Error("dist/client/_headers has no CSP placeholders; was public/_headers changed?");
}
const headers = template
  .replace("__INLINE_SCRIPT_HASHES__", [...hashes].sort().join(" "))
  .replace("__WORKER_ORIGINS__", origins.join(" "));
await writeFile(headersFile, headers);
console.log(
  `_headers: ${hashes.size} inline script hashes from ${htmlFiles.length} pages; connect-src ${origins.join(" ")}`,
);
