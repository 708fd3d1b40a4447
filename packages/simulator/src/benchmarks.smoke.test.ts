// Every benchmark module (apps/*/bench/*.bench.mjs) run with tiny sizes through `node scripts/bench.mjs
// --smoke`, each module on a stack of its own on free ports: a benchmark that no longer runs fails here, not
// on the day someone needs its numbers. It lives beside the simulator because both drive the whole stack from
// outside.
// Timings are printed by the run, never asserted.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../../scripts/lib/local-stack.mjs";

function benchModules(): string[] {
  const found: string[] = [];
  for (const app of readdirSync(join(root, "apps"))) {
    const dir = join(root, "apps", app, "bench");
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir))
      if (file.endsWith(".bench.mjs")) found.push(`apps/${app}/bench/${file}`);
  }
  return found.sort();
}

function runSmoke(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "scripts", "bench.mjs"), "--smoke"], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("the benchmark suite in smoke mode", () => {
  it("runs every benchmark module to a result", async () => {
    const { code, stderr } = await runSmoke();
    const modules = benchModules();
    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const module of modules) expect(stderr).toContain(`running ${module} (smoke)`);
    // Each module on a stack of its own, so none reads what another seeded.
    expect(stderr.match(/ {2}on a fresh stack \(/g)?.length).toBe(modules.length);
    expect(stderr).not.toMatch(/ failed: /);
    expect(stderr).toMatch(/bench: \d+ results, 0 modules failed/);
    const count = Number(/bench: (\d+) results/.exec(stderr)?.[1]);
    expect(count).toBeGreaterThanOrEqual(modules.length);
    expect(code).toBe(0);
    // A hang guard, not a timing: eight modules, each on a stack of its own, and a stack takes 20–60 s to
    // start on a loaded machine.
  }, 1_800_000);
});
