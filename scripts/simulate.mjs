#!/usr/bin/env node
// `pnpm simulate`: the fleet simulator (packages/simulator). Starts the three Workers on free ports with fresh
// local state, runs many terminals on the real terminal engine against them with virtual cards, offline
// windows, clock skew and injected faults and attacks, prints a summary (progress on stderr), optionally writes
// the JSON report, and exits 1 if value is unaccounted for or an injected attack went undetected (2 on bad
// arguments). `pnpm simulate -- --help` lists the options; docs/simulation.md explains the report.
import { writeFileSync } from "node:fs";
import {
  formatSummary,
  HELP,
  parseCommandLine,
  simulateOnLocalStack,
} from "../packages/simulator/src/index.ts";

let line;
try {
  line = parseCommandLine(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`simulate: ${error.message}\n`);
  process.exit(2);
}
if (line.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const log = line.quiet ? () => {} : (message) => process.stderr.write(`simulate: ${message}\n`);
const report = await simulateOnLocalStack(line.options, log);
process.stdout.write(formatSummary(report));
if (line.json) {
  writeFileSync(line.json, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${line.json}`);
}
process.exit(report.ok ? 0 : 1);
