// Starts Tessera's three Workers (and optionally the web app) on 127.0.0.1 with local D1/KV: used by
// `npm run dev`, the benchmarks, the browser end-to-end tests and the fleet simulator. Node built-ins only.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const HOST = "127.0.0.1";
export const WORKER_NAMES = ["policy", "grants", "reconciliation"];
export const urlOf = (port) => `http://${HOST}:${port}`;

const HARMLESS_NOISE = [
  /Unable to fetch the `?Request\.cf`? object/,
  /ENOTFOUND workers\.cloudflare\.com/,
  /^\s+at GetAddrInfoReqWrap/,
];

/** Resolves false when something already listens on the port, so we fail before a half-started stack. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A secret that lives in the state dir: the env var wins, else the stored one, else a new one is stored. */
export function persistentSecret(stateDir, name, envVar, bytes = 32, encoding = "base64url") {
  const fromEnv = envVar ? process.env[envVar] : undefined;
  if (fromEnv) return { value: fromEnv, source: `from ${envVar}` };
  const file = join(stateDir, name);
  if (existsSync(file)) return { value: readFileSync(file, "utf8").trim(), source: `from ${file}` };
  mkdirSync(stateDir, { recursive: true });
  const value = randomBytes(bytes).toString(encoding);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, source: `new, saved in ${file}` };
}

function pipeWithPrefix(stream, prefix, target) {
  createInterface({ input: stream }).on("line", (line) => {
    // Offline, wrangler's request.cf fetch fails harmlessly on every start with a multi-line warning.
    if (HARMLESS_NOISE.some((pattern) => pattern.test(line))) return;
    target.write(`${prefix} ${line}\n`);
  });
}

async function waitUntilAnswering(entry, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.exited) return false;
    try {
      // Generous per attempt: vite's first render optimises dependencies and can take many seconds.
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  return false;
}

/**
 * Starts the stack. `ports` maps policy/grants/reconciliation (and web when `web` is true) to ports; `vars` are
 * extra Worker vars (`--var`). `quiet` keeps child output out of the terminal unless a child fails.
 * Resolves to { urls, adminToken, stop() } once every service answers; rejects if any does not.
 */
export async function startStack({
  stateDir = join(root, ".state"),
  ports,
  vars = {},
  web = false,
  quiet = false,
  log = (message) => process.stdout.write(`${message}\n`),
  onUnexpectedExit = () => {},
}) {
  const persistTo = join(stateDir, "wrangler");
  mkdirSync(persistTo, { recursive: true });
  const env = {
    ...process.env,
    // The Workers find each other through wrangler's dev registry; a private one per stack keeps two stacks on
    // one machine (dev and a benchmark, say) from calling each other's Workers.
    WRANGLER_REGISTRY_PATH: join(stateDir, "registry"),
    WRANGLER_SEND_METRICS: "false",
    FORCE_COLOR: quiet || !process.stdout.isTTY ? "0" : "1",
  };
  const children = [];
  let stopping = false;
  const sink = quiet ? { write() {} } : undefined;

  const start = (label, command, args, cwd) => {
    // Own process group per child, so stopping reaches grandchildren too (pnpm → vite, wrangler → workerd).
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const prefix = `${label.padEnd(14)}│`;
    pipeWithPrefix(child.stdout, prefix, sink ?? process.stdout);
    pipeWithPrefix(child.stderr, prefix, sink ?? process.stderr);
    const entry = { label, child, exited: false };
    child.on("exit", (code, signal) => {
      entry.exited = true;
      if (!stopping) onUnexpectedExit(`${label} exited unexpectedly (${signal ?? `code ${code}`})`);
    });
    children.push(entry);
    return entry;
  };

  const signalAll = (signal) => {
    for (const { child, exited } of children) {
      if (exited) continue;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone between the check and the kill.
      }
    }
  };

  /** Stops every child; resolves when all have exited (SIGKILL after 10 s). */
  const stop = () => {
    stopping = true;
    if (children.every((c) => c.exited)) return Promise.resolve();
    signalAll("SIGTERM");
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signalAll("SIGKILL");
        resolve();
      }, 10_000);
      const check = setInterval(() => {
        if (children.every((c) => c.exited)) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
  };

  try {
    for (const port of Object.values(ports)) {
      if (!(await portIsFree(port))) throw new Error(`port ${port} on ${HOST} is already in use`);
    }
    const wrangler = (worker) => join(root, "apps", worker, "node_modules", ".bin", "wrangler");
    for (const worker of WORKER_NAMES) {
      log(`applying ${worker} D1 migrations`);
      const result = spawnSync(
        wrangler(worker),
        ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo],
        {
          cwd: join(root, "apps", worker),
          env,
          encoding: "utf8",
        },
      );
      if (result.status !== 0)
        throw new Error(`migrations for ${worker} failed:\n${result.stdout}${result.stderr}`);
    }
    const adminToken = persistentSecret(stateDir, "bootstrap-admin-token", "TESSERA_BOOTSTRAP_ADMIN_TOKEN");
    const keyEncryptionKey = persistentSecret(stateDir, "key-encryption-key", undefined, 32, "base64");
    const webOrigins = ports.web ? [urlOf(ports.web), `http://localhost:${ports.web}`] : [];
    const allVars = {
      BOOTSTRAP_ADMIN_TOKEN: adminToken.value,
      KEY_ENCRYPTION_KEY: keyEncryptionKey.value,
      ...(webOrigins.length ? { ALLOWED_ORIGINS: webOrigins.join(",") } : {}),
      // Passkeys are bound to a domain, never an IP address: the console is used at http://localhost:<web port>.
      ...(ports.web ? { WEBAUTHN_ORIGINS: `http://localhost:${ports.web}` } : {}),
      ...vars,
    };
    // One after another: wrangler processes started at the same instant can collide on an internal socket.
    for (const worker of WORKER_NAMES) {
      log(`starting ${worker} on ${urlOf(ports[worker])}`);
      const args = [
        "dev",
        "--ip",
        HOST,
        "--port",
        String(ports[worker]),
        "--persist-to",
        persistTo,
        "--show-interactive-dev-session=false",
      ];
      for (const [key, value] of Object.entries(allVars)) args.push("--var", `${key}:${value}`);
      const entry = start(worker, wrangler(worker), args, join(root, "apps", worker));
      if (!(await waitUntilAnswering(entry, `${urlOf(ports[worker])}/healthz`, 90_000))) {
        throw new Error(`${worker} did not answer ${urlOf(ports[worker])}/healthz within 90 s`);
      }
    }
    if (web) {
      log(`starting web on ${urlOf(ports.web)}`);
      // The app calls the Workers on `localhost`, the console's own site: passkeys cannot use an IP address,
      // and the SameSite=Strict session cookie only travels between pages and APIs of one site.
      const browserUrlOf = (port) => `http://localhost:${port}`;
      env.VITE_POLICY_URL = browserUrlOf(ports.policy);
      env.VITE_GRANTS_URL = browserUrlOf(ports.grants);
      env.VITE_RECONCILIATION_URL = browserUrlOf(ports.reconciliation);
      const entry = start(
        "web",
        "pnpm",
        ["--filter", "@tessera/web", "dev", "--host", HOST, "--port", String(ports.web)],
        root,
      );
      if (!(await waitUntilAnswering(entry, `${urlOf(ports.web)}/`, 120_000))) {
        throw new Error(`web did not answer on ${urlOf(ports.web)} within 120 s`);
      }
    }
    const urls = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, urlOf(port)]));
    return { urls, adminToken: adminToken.value, adminTokenSource: adminToken.source, persistTo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
