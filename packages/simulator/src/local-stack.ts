/** A simulation against a stack of its own: the three Workers on free ports and fresh local D1/KV, stopped after. */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack } from "../../../scripts/lib/local-stack.mjs";
import type { SimulationOptions } from "./options.ts";
import type { SimulationReport } from "./report.ts";
import { runSimulation } from "./simulation.ts";

/** A port the OS just handed out, so parallel test runs and a developer's stack never collide. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * wrangler processes started at the same instant by parallel runs can collide on an internal socket, and a
 * free port can be taken between asking and listening: one more attempt on new ports gets past both.
 */
async function startOnFreePorts(stateDir: string, log: (line: string) => void) {
  for (let attempt = 1; ; attempt++) {
    const ports = { policy: await freePort(), grants: await freePort(), reconciliation: await freePort() };
    log(`starting the Workers on ports ${Object.values(ports).join(", ")} (state in ${stateDir})`);
    try {
      return await startStack({ stateDir, ports, quiet: true, log });
    } catch (error) {
      if (attempt >= 2) throw error;
      log(`the stack did not start (${error instanceof Error ? error.message : error}); once more`);
    }
  }
}

export async function simulateOnLocalStack(
  options: SimulationOptions,
  log: (line: string) => void = () => {},
): Promise<SimulationReport> {
  const stateDir = await mkdtemp(join(tmpdir(), "tessera-simulate-"));
  try {
    const stack = await startOnFreePorts(stateDir, log);
    try {
      return await runSimulation(options, { urls: stack.urls, adminToken: stack.adminToken, log });
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
