#!/usr/bin/env node
// `npm test`: lint and format, then every package's typecheck, tests and deploy dry-run, ending in one
// line a person or CI can read: `N passed, N failed[, N skipped]`. Node built-ins only; scripts/tessera.mjs
// has already put Node >= 22.12 and pnpm first on PATH and installed dependencies.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
// Debian's Chromium unless the caller points at another build.
const DEBIAN_CHROMIUM = "/usr/bin/chromium";
const CHROMIUM = process.env.TESSERA_CHROMIUM || DEBIAN_CHROMIUM;
// Never descend into installed or generated trees when looking for reports.
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tools", ".state", ".turbo", ".wrangler", "dist"]);

const env = {
  ...process.env,
  TESSERA_CHROMIUM: CHROMIUM,
  // Telemetry would reach for the network on every run and slow it down where there is none.
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

/** Every failed non-test check, named so the summary says what to look at. */
const failedChecks = [];

function log(message) {
  process.stdout.write(`\ntest: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit", ...options });
  if (result.error) process.stderr.write(`test: could not run ${command}: ${result.error.message}\n`);
  return result.status ?? 1;
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    yield path;
    yield* walk(path);
  }
}

function reportDirs() {
  return [...walk(root)].filter((dir) => basename(dir) === ".test-results");
}

/** Browser tests drive Debian's Chromium; Playwright's own download cannot work offline. */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return true;
  const isRoot = process.getuid?.() === 0;
  if (CHROMIUM === DEBIAN_CHROMIUM && isRoot && existsSync("/usr/bin/apt-get")) {
    log(`${CHROMIUM} is missing; installing Debian's chromium package`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
    if (run("apt-get", ["update"], { env: aptEnv }) === 0) {
      run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env: aptEnv });
    }
    if (existsSync(CHROMIUM)) return true;
  }
  process.stderr.write(
    `test: browser tests need Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install -y chromium\` ` +
      "(Debian) or set TESSERA_CHROMIUM to a Chromium binary, and run `npm test` again.\n",
  );
  return false;
}

/** Turbo's run summary: one entry per task with its exit code, so each failed check can be named. */
function latestTurboSummary(startedAt) {
  const runs = join(root, ".turbo", "runs");
  if (!existsSync(runs)) return undefined;
  const newest = readdirSync(runs)
    .filter((name) => name.endsWith(".json"))
    .map((name) => join(runs, name))
    .filter((path) => statSync(path).mtimeMs >= startedAt)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return undefined;
  const summary = JSON.parse(readFileSync(newest, "utf8"));
  // Read once and dropped, so .turbo/runs does not grow by one file per `npm test`.
  rmSync(newest);
  return summary;
}

/** Sums one vitest JSON report; a file that failed to load counts as a failure even with no test in it. */
function countReport(path) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  if (typeof report.numPassedTests !== "number") throw new Error("not a vitest JSON report");
  const failedSuites =
    report.success === false && report.numFailedTests === 0 ? Math.max(1, report.numFailedTestSuites) : 0;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + failedSuites,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

// Reports from an earlier run would otherwise be counted again; turbo restores cached ones itself.
for (const dir of reportDirs()) rmSync(dir, { recursive: true, force: true });

if (!ensureChromium()) failedChecks.push("chromium missing");

log("biome check . (lint and format)");
if (run(bin("biome"), ["check", "."]) !== 0) failedChecks.push("biome check");

log("turbo run typecheck test deploy:check --continue");
const startedAt = Date.now() - 1000;
const turboStatus = run(bin("turbo"), [
  "run",
  "typecheck",
  "test",
  "deploy:check",
  "--continue",
  "--summarize",
]);
const summary = latestTurboSummary(startedAt);
const packagesWithFailedTestTask = new Set();
if (!summary) {
  failedChecks.push("turbo (no run summary; see its output above)");
} else {
  for (const task of summary.tasks ?? []) {
    const exitCode = task.execution?.exitCode;
    if (exitCode === 0 || exitCode === undefined) continue;
    // A failed test task is judged by its report below, unless it died before writing one.
    if (task.task === "test") packagesWithFailedTestTask.add(task.directory ?? task.package);
    else failedChecks.push(task.taskId);
  }
}
if (turboStatus !== 0 && summary && failedChecks.length === 0 && packagesWithFailedTestTask.size === 0) {
  failedChecks.push(`turbo exited ${turboStatus}`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const reported = new Set();
for (const dir of reportDirs()) {
  for (const name of readdirSync(dir).filter((file) => file.endsWith(".json"))) {
    const path = join(dir, name);
    try {
      const counts = countReport(path);
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
      reported.add(relative(root, dirname(dir)));
    } catch (error) {
      failedChecks.push(`unreadable report ${relative(root, path)} (${error.message})`);
    }
  }
}
for (const pkg of packagesWithFailedTestTask) {
  if (!reported.has(pkg)) failedChecks.push(`${pkg}#test (crashed before writing a report)`);
}

if (failedChecks.length > 0) {
  process.stdout.write(`\ntest: failed checks:\n${failedChecks.map((check) => `  - ${check}`).join("\n")}\n`);
}
const failed = totals.failed + failedChecks.length;
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
process.stdout.write(`${totals.passed} passed, ${failed} failed${skipped}\n`);
process.exit(failed > 0 || turboStatus !== 0 ? 1 : 0);
