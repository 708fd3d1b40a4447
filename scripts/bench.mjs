#!/usr/bin/env node
// `npm run bench`: runs every benchmark module (apps/*/bench/*.bench.mjs), each on a local stack of its own
// (the three Workers on free ports with a fresh temp state dir, started before the module and stopped after
// it), each measuring its operation beside a floor in the same run, and writes bench/results.json plus the
// table in docs/benchmarks.md. A stack per module is what makes a module's figures the same alone or in a
// full run and in any order: modules bulk-seed shared tables (the deny list, the events table), and the
// Workers serve what an earlier module left (a stale million-entry snapshot, a million stored events). Never
// part of `npm test`'s timing verdicts; `--smoke` runs every module with tiny sizes and writes nothing, to
// check the benchmarks still run (the simulator package's tests do, so they cannot rot). `--ports=P,G,R`
// names the ports (each module's stack takes them in turn) so a benchmark never collides with `npm run dev`.
// `--only=TEXT` runs the modules whose path contains TEXT; add `--merge` to keep the other modules' rows of
// the last run. `--reverse` runs the chosen modules in reverse order; `--no-write` prints the figures and
// writes nothing (a check that does not replace the committed results).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { root, startStack } from "./lib/local-stack.mjs";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const fixedPorts = args
  .find((a) => a.startsWith("--ports="))
  ?.slice("--ports=".length)
  .split(",")
  .map(Number);
const merge = args.includes("--merge");
const reverse = args.includes("--reverse");
const write = !smoke && !args.includes("--no-write");
const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** A port the OS just handed out. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function benchModules() {
  const found = [];
  for (const app of readdirSync(join(root, "apps"))) {
    const dir = join(root, "apps", app, "bench");
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) if (file.endsWith(".bench.mjs")) found.push(join(dir, file));
  }
  const chosen = found.filter((file) => !only || file.includes(only)).sort();
  return reverse ? chosen.reverse() : chosen;
}

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
};

/**
 * A stack of its own for one module: fresh D1 and KV in a temp dir, so nothing another module seeded is
 * there. wrangler processes started at the same instant by parallel runs can collide on an internal socket,
 * and a free port can be taken between asking and listening: one more attempt on new ports gets past both.
 */
async function freshStack() {
  const stateDir = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  for (let attempt = 1; ; attempt++) {
    try {
      const stack = await startStack({
        stateDir,
        ports: {
          policy: fixedPorts?.[0] ?? (await freePort()),
          grants: fixedPorts?.[1] ?? (await freePort()),
          reconciliation: fixedPorts?.[2] ?? (await freePort()),
        },
        // Floor routes exist only when this var is set; production never sets it.
        vars: { BENCH_FLOOR: "1" },
        quiet: true,
        log: () => {},
      });
      return {
        ...stack,
        async stop() {
          await stack.stop();
          rmSync(stateDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (attempt >= 2 || fixedPorts) {
        rmSync(stateDir, { recursive: true, force: true });
        throw error;
      }
      log(`the stack did not start (${error.message}); once more`);
    }
  }
}

const results = [];
let failed = 0;
// One stack at a time, each started after the previous one stopped: a start-up (migrations, bundling,
// workerd) would compete with a measurement, and wrangler processes started side by side can collide.
for (const file of benchModules()) {
  const name = relative(root, file);
  log(`running ${name}${smoke ? " (smoke)" : ""}`);
  let stack;
  try {
    const starting = performance.now();
    stack = await freshStack();
    log(
      `  on a fresh stack (${Object.values(stack.urls).join(", ")}), up in ${((performance.now() - starting) / 1000).toFixed(1)} s`,
    );
    const mod = await import(pathToFileURL(file).href);
    await mod.run({
      baseUrl: stack.urls,
      urls: stack.urls,
      adminToken: stack.adminToken,
      autocannon,
      smoke,
      log,
      record(entry) {
        for (const key of ["name", "p50_ms", "p99_ms", "floor_p99_ms", "ratio", "target_ratio"]) {
          if (!(key in entry)) throw new Error(`${name}: result without ${key}`);
        }
        results.push({ module: name, ...entry });
        log(
          `  ${entry.name}: p50 ${entry.p50_ms} ms, p99 ${entry.p99_ms} ms, floor p99 ${entry.floor_p99_ms} ms, ratio ${entry.ratio} (target ≤ ${entry.target_ratio})`,
        );
      },
    });
  } catch (error) {
    failed++;
    log(
      `  ${name} failed: ${error.stack ?? error}${error.cause ? ` (cause: ${error.cause.stack ?? error.cause})` : ""}`,
    );
  } finally {
    await stack?.stop();
  }
}

if (write) {
  const when = new Date().toISOString();
  for (const result of results) result.when = when;
  mkdirSync(join(root, "bench"), { recursive: true });
  const resultsFile = join(root, "bench", "results.json");
  // `--merge` (with `--only`): the modules run now replace their own rows; the others keep theirs, each row
  // saying which run it is from.
  if (merge && existsSync(resultsFile)) {
    const previous = JSON.parse(readFileSync(resultsFile, "utf8"));
    const ran = new Set(results.map((r) => r.module));
    const kept = previous.results
      .filter((r) => !ran.has(r.module))
      .map((r) => ({ when: previous.when, ...r }));
    results.unshift(...kept);
  }
  const runs = [...new Set(results.map((r) => r.when))].sort();
  writeFileSync(resultsFile, `${JSON.stringify({ when: runs[0] ?? when, machine, results }, null, 2)}\n`);
  const docs = join(root, "docs", "benchmarks.md");
  const table = [
    `Run ${runs[0] ?? when} on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}.`,
    ...runs
      .slice(1)
      .map(
        (at) =>
          `Rows of ${[...new Set(results.filter((r) => r.when === at).map((r) => r.module))].join(", ")} from a later run, ${at}.`,
      ),
    "",
    "| benchmark | p50 ms | p99 ms | floor p99 ms | ratio | target ratio | throughput | notes |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.p50_ms} | ${r.p99_ms} | ${r.floor_p99_ms} | ${r.ratio} | ${r.target_ratio} | ${r.throughput_rps ? `${r.throughput_rps}/s` : ""} | ${r.notes ?? ""} |`,
    ),
  ].join("\n");
  const text = existsSync(docs) ? readFileSync(docs, "utf8") : "";
  const begin = "<!-- bench:results:begin -->";
  const end = "<!-- bench:results:end -->";
  if (text.includes(begin) && text.includes(end)) {
    writeFileSync(
      docs,
      `${text.slice(0, text.indexOf(begin) + begin.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
    );
  } else {
    log(`docs/benchmarks.md has no ${begin} … ${end} markers; the table was not written there`);
  }
}
log(`${results.length} results, ${failed} modules failed`);
process.exit(failed > 0 ? 1 : 0);
