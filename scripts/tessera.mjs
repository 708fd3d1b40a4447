#!/usr/bin/env node
// Entry point behind the README's commands: makes sure the toolchain this repo needs (Node >= 22.12
// and a pinned pnpm) is present, installs dependencies, then runs one task. It must itself run on
// the oldest Node a newcomer may have (20), so it uses only Node built-ins.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tools = join(root, ".tools");
const NODE_VERSION = "24.21.0";
const PNPM_VERSION = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devEngines.packageManager
  .version;
const MIN_NODE = [22, 12];

const TASKS = {
  dev: [["node", "scripts/dev.mjs"]],
  test: [["node", "scripts/test.mjs"]],
  bench: [["node", "scripts/bench.mjs"]],
  simulate: [["node", "scripts/simulate.mjs"]],
};

function log(message) {
  process.stderr.write(`tessera: ${message}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function nodeIsRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** Returns a PATH whose first entries hold a suitable node and pnpm, installing them into .tools/. */
function ensureToolchain() {
  const pathParts = [];
  if (!nodeIsRecentEnough(process.version)) {
    const pkg = `node-${process.platform}-${process.arch}`;
    const bin = join(tools, "node", "node_modules", pkg, "bin");
    if (!existsSync(join(bin, "node"))) {
      log(`Node ${process.version} is too old; installing Node ${NODE_VERSION} into .tools/node`);
      const status = run("npm", [
        "i",
        "--prefix",
        join(tools, "node"),
        "--no-save",
        "--no-audit",
        "--no-fund",
        `${pkg}@${NODE_VERSION}`,
      ]);
      if (status !== 0) throw new Error(`could not install ${pkg}@${NODE_VERSION}`);
    }
    pathParts.push(bin);
  }
  const pnpmBin = join(tools, "pnpm", "node_modules", ".bin");
  const systemPnpm = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (systemPnpm.status !== 0 || systemPnpm.stdout.trim() !== PNPM_VERSION) {
    if (!existsSync(join(pnpmBin, "pnpm"))) {
      log(`installing pnpm ${PNPM_VERSION} into .tools/pnpm`);
      const status = run("npm", [
        "i",
        "--prefix",
        join(tools, "pnpm"),
        "--no-save",
        "--no-audit",
        "--no-fund",
        `pnpm@${PNPM_VERSION}`,
      ]);
      if (status !== 0) throw new Error(`could not install pnpm@${PNPM_VERSION}`);
    }
    pathParts.push(pnpmBin);
  }
  return [...pathParts, process.env.PATH].join(":");
}

/** Installs dependencies when the lockfile changed since the last install. */
function ensureDependencies(env) {
  const stamp = join(root, "node_modules", ".tessera-install-stamp");
  const lock = join(root, "pnpm-lock.yaml");
  const lockTime = existsSync(lock) ? statSync(lock).mtimeMs : 0;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === String(lockTime)) return;
  const args = ["install", ...(process.env.CI ? ["--frozen-lockfile"] : [])];
  const status = run("pnpm", args, { env });
  if (status !== 0) throw new Error("pnpm install failed");
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, String(lockTime));
}

const [task, ...rest] = process.argv.slice(2);
if (!TASKS[task]) {
  log(`usage: node scripts/tessera.mjs <${Object.keys(TASKS).join("|")}> [args]`);
  process.exit(2);
}
const env = {
  ...process.env,
  PATH: ensureToolchain(),
  // pnpm would otherwise try to fetch its own binaries for `packageManager` whenever a task runs `pnpm`.
  npm_config_manage_package_manager_versions: "false",
};
ensureDependencies(env);
/** Runs the task and passes Ctrl-C or a SIGTERM on to it, so stopping `npm run dev` stops the whole stack. */
function runForwardingSignals(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", cwd: root, env });
    const forward = (signal) => child.kill(signal);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward);
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}

for (const [cmd, ...args] of TASKS[task]) {
  const status = await runForwardingSignals(cmd, [...args, ...rest]);
  if (status !== 0) process.exit(status);
}
