#!/usr/bin/env node
// `npm run dev`: the whole system on 127.0.0.1 — local D1 migrations, a bootstrap admin token, the three
// Workers, the web app and the demo seed — and one Ctrl-C that stops all of it. Node built-ins only;
// scripts/tessera.mjs has already put Node >= 22.12 and pnpm first on PATH and installed dependencies.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const state = join(root, ".state");
// One persist dir for every Worker: each binds its own (distinct placeholder) D1 and KV ids inside it.
const persistTo = join(state, "wrangler");
const tokenFile = join(state, "bootstrap-admin-token");
const HOST = "127.0.0.1";

function port(variable, fallback) {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(`${variable}=${raw} is not a TCP port`);
  return value;
}

const WORKERS = [
  { name: "policy", port: port("TESSERA_POLICY_PORT", 8781), urlVar: "VITE_POLICY_URL" },
  { name: "grants", port: port("TESSERA_GRANTS_PORT", 8782), urlVar: "VITE_GRANTS_URL" },
  {
    name: "reconciliation",
    port: port("TESSERA_RECONCILIATION_PORT", 8783),
    urlVar: "VITE_RECONCILIATION_URL",
  },
];
const WEB_PORT = port("TESSERA_WEB_PORT", 8780);
const webOrigins = [`http://${HOST}:${WEB_PORT}`, `http://localhost:${WEB_PORT}`];
const urlOf = (p) => `http://${HOST}:${p}`;

// Wrangler's usage telemetry would reach for the network on every start; local dev never needs it.
const childEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  FORCE_COLOR: process.stdout.isTTY ? "1" : "0",
};
const children = [];
let stopping = false;

function log(message) {
  process.stdout.write(`dev: ${message}\n`);
}

function fail(message) {
  process.stderr.write(`dev: ${message}\n`);
  stopAll(1);
  // stopAll exits once children are gone; with none started yet, exit now.
  if (children.length === 0) process.exit(1);
}

function wranglerBin(worker) {
  return join(root, "apps", worker, "node_modules", ".bin", "wrangler");
}

/** Resolves false when something already listens on the port, so we fail before a half-started stack. */
function portIsFree(p) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(p, HOST, () => server.close(() => resolve(true)));
  });
}

const HARMLESS_NOISE = [
  /Unable to fetch the `?Request\.cf`? object/,
  /ENOTFOUND workers\.cloudflare\.com/,
  /^\s+at GetAddrInfoReqWrap/,
];

/** Streams a child's output line by line with a service prefix, so interleaved logs stay readable. */
function pipeWithPrefix(stream, prefix, target) {
  const lines = createInterface({ input: stream });
  lines.on("line", (line) => {
    // Wrangler fetches request.cf data from workers.cloudflare.com; offline that fails harmlessly on
    // every start, with a three-line warning and stack that would drown the useful lines.
    if (HARMLESS_NOISE.some((pattern) => pattern.test(line))) return;
    target.write(`${prefix} ${line}\n`);
  });
}

function start(label, command, args, options) {
  // Own process group per child, so stopping reaches grandchildren too (pnpm → vite, wrangler → workerd).
  const child = spawn(command, args, {
    ...options,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `${label.padEnd(14)}│`;
  pipeWithPrefix(child.stdout, prefix, process.stdout);
  pipeWithPrefix(child.stderr, prefix, process.stderr);
  const entry = { label, child, exited: false };
  child.on("exit", (code, signal) => {
    entry.exited = true;
    if (!stopping) fail(`${label} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
    else if (children.every((c) => c.exited)) process.exit(process.exitCode ?? 0);
  });
  children.push(entry);
  return entry;
}

function signalAll(signal) {
  for (const { child, exited } of children) {
    if (exited) continue;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone between the check and the kill.
    }
  }
}

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (children.every((c) => c.exited)) {
    if (children.length > 0) process.exit(code);
    return;
  }
  log("stopping…");
  signalAll("SIGTERM");
  // wrangler and vite normally exit within a second; anything still alive after 10 s is killed.
  setTimeout(() => {
    signalAll("SIGKILL");
    process.exit(code);
  }, 10_000).unref();
}

async function waitUntilAnswering(entry, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.exited) return false;
    try {
      // Generous per attempt: vite's first page render optimises dependencies and can take many seconds,
      // and aborting it mid-way only adds connection-reset noise to its log.
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  return false;
}

function bootstrapToken() {
  const fromEnv = process.env.TESSERA_BOOTSTRAP_ADMIN_TOKEN;
  if (fromEnv) return { token: fromEnv, source: "from TESSERA_BOOTSTRAP_ADMIN_TOKEN" };
  if (existsSync(tokenFile))
    return { token: readFileSync(tokenFile, "utf8").trim(), source: `from ${tokenFile}` };
  const token = randomBytes(32).toString("base64url");
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return { token, source: `new, saved in ${tokenFile}` };
}

// Children run in their own process groups, so the terminal's signals reach them only through here.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopAll(0));

mkdirSync(persistTo, { recursive: true });

for (const p of [WEB_PORT, ...WORKERS.map((w) => w.port)]) {
  if (!(await portIsFree(p))) {
    fail(
      `port ${p} on ${HOST} is already in use (another \`npm run dev\`?); stop it or set the TESSERA_*_PORT variables`,
    );
  }
}

for (const worker of WORKERS) {
  log(`applying ${worker.name} D1 migrations`);
  const result = spawnSync(
    wranglerBin(worker.name),
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo],
    { cwd: join(root, "apps", worker.name), env: childEnv, encoding: "utf8" },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    fail(`migrations for ${worker.name} failed`);
  }
}

const { token, source } = bootstrapToken();

// One after another: wrangler processes started at the same instant can collide on an internal socket.
for (const worker of WORKERS) {
  log(`starting ${worker.name} on ${urlOf(worker.port)}`);
  const entry = start(
    worker.name,
    wranglerBin(worker.name),
    [
      "dev",
      "--ip",
      HOST,
      "--port",
      String(worker.port),
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
      "--var",
      `BOOTSTRAP_ADMIN_TOKEN:${token}`,
      "--var",
      `ALLOWED_ORIGINS:${webOrigins.join(",")}`,
    ],
    { cwd: join(root, "apps", worker.name) },
  );
  if (!(await waitUntilAnswering(entry, `${urlOf(worker.port)}/healthz`, 60_000))) {
    fail(`${worker.name} did not answer ${urlOf(worker.port)}/healthz within 60 s`);
    await new Promise(() => {});
  }
}

const webPackage = JSON.parse(readFileSync(join(root, "apps", "web", "package.json"), "utf8"));
let webStarted = false;
if (webPackage.scripts?.dev) {
  log(`starting web on ${urlOf(WEB_PORT)}`);
  for (const worker of WORKERS) childEnv[worker.urlVar] = urlOf(worker.port);
  const web = start(
    "web",
    "pnpm",
    ["--filter", "@tessera/web", "dev", "--host", HOST, "--port", String(WEB_PORT)],
    {
      cwd: root,
    },
  );
  webStarted = await waitUntilAnswering(web, `${urlOf(WEB_PORT)}/`, 90_000);
  if (!webStarted && !web.exited)
    log(`warning: web did not answer on ${urlOf(WEB_PORT)} within 90 s; still waiting on it`);
} else {
  log("warning: apps/web has no dev script yet; starting the Workers only");
}

const seed = spawnSync(process.execPath, [join(root, "scripts", "seed-demo.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...childEnv,
    TESSERA_POLICY_URL: urlOf(WORKERS[0].port),
    TESSERA_GRANTS_URL: urlOf(WORKERS[1].port),
    TESSERA_RECONCILIATION_URL: urlOf(WORKERS[2].port),
    TESSERA_BOOTSTRAP_ADMIN_TOKEN: token,
  },
});
if (seed.status !== 0)
  log(`warning: scripts/seed-demo.mjs failed (${seed.status}); the system runs without demo data`);

const rows = [
  ["web app", webPackage.scripts?.dev ? `${urlOf(WEB_PORT)}/` : "(not started: no dev script)"],
  ...WORKERS.map((w) => [`${w.name} API`, `${urlOf(w.port)}/docs`]),
];
process.stdout.write(
  [
    "",
    "Tessera is running:",
    ...rows.map(([what, url]) => `  ${what.padEnd(20)} ${url}`),
    "",
    `  bootstrap admin token (${source}):`,
    `    ${token}`,
    "",
    `  local data: ${persistTo} (delete .state/ to start from scratch)`,
    "  stop: Ctrl-C",
    "",
  ].join("\n"),
);
