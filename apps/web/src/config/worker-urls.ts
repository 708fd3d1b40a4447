// Resolves the base URLs of the three Tessera Workers from build-time environment values.
// Kept free of imports and `import.meta.env` so the build scripts (Node) can share it with the app.

export type WorkerName = "policy" | "grants" | "reconciliation";

export type WorkerUrls = Readonly<Record<WorkerName, string>>;

/** Where `pnpm dev` starts each Worker locally (see scripts/dev.mjs). */
export const DEFAULT_WORKER_URLS: WorkerUrls = {
  policy: "http://localhost:8781",
  grants: "http://localhost:8782",
  reconciliation: "http://localhost:8783",
};

/** The environment variable that overrides each Worker's base URL at build time. */
export const WORKER_URL_ENV: Readonly<Record<WorkerName, string>> = {
  policy: "VITE_POLICY_URL",
  grants: "VITE_GRANTS_URL",
  reconciliation: "VITE_RECONCILIATION_URL",
};

const WORKER_NAMES = Object.keys(DEFAULT_WORKER_URLS) as WorkerName[];

/**
 * Reads each Worker's base URL from `env`, falling back to the local defaults. A malformed value
 * fails the build instead of shipping an app that cannot reach its backend.
 */
export function resolveWorkerUrls(env: Readonly<Record<string, string | boolean | undefined>>): WorkerUrls {
  const urls = {} as Record<WorkerName, string>;
  for (const name of WORKER_NAMES) {
    const variable = WORKER_URL_ENV[name];
    const raw = env[variable];
    const value = typeof raw === "string" && raw.trim() !== "" ? raw.trim() : DEFAULT_WORKER_URLS[name];
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`${variable} must be an absolute http(s) URL, got "${value}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`${variable} must use http or https, got "${value}"`);
    }
    // API paths are joined as `${base}/v1/...`, so a trailing slash would double up.
    urls[name] = url.href.replace(/\/+$/, "");
  }
  return urls;
}

/** The distinct origins the app may call, for the Content-Security-Policy's connect-src. */
export function workerOrigins(urls: WorkerUrls): string[] {
  return [...new Set(WORKER_NAMES.map((name) => new URL(urls[name]).origin))];
}
