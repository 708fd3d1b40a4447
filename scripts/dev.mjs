#!/usr/bin/env node
// `npm run dev`: the whole system on 127.0.0.1 — local D1 migrations, a bootstrap admin token, the three
// Workers, the web app and the demo seed — and one Ctrl-C that stops all of it. Node built-ins only;
// scripts/tessera.mjs has already put Node >= 22.12 and pnpm first on PATH and installed dependencies.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root, startStack } from "./lib/local-stack.mjs";

function port(variable, fallback) {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    process.stderr.write(`dev: ${variable}=${raw} is not a TCP port\n`);
    process.exit(1);
  }
  return value;
}

const ports = {
  web: port("TESSERA_WEB_PORT", 8780),
  policy: port("TESSERA_POLICY_PORT", 8781),
  grants: port("TESSERA_GRANTS_PORT", 8782),
  reconciliation: port("TESSERA_RECONCILIATION_PORT", 8783),
};
const log = (message) => process.stdout.write(`dev: ${message}\n`);

let stack;
let stopping = false;
async function stopAndExit(code) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await stack?.stop();
  process.exit(code);
}
// Children run in their own process groups, so the terminal's signals reach them only through here.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopAndExit(0));

try {
  stack = await startStack({
    ports,
    web: true,
    log,
    onUnexpectedExit: (why) => {
      process.stderr.write(`dev: ${why}; stopping everything\n`);
      stopAndExit(1);
    },
  });
} catch (error) {
  process.stderr.write(`dev: ${error.message}\n`);
  process.exit(1);
}

const seed = spawnSync(process.execPath, [join(root, "scripts", "seed-demo.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    TESSERA_POLICY_URL: stack.urls.policy,
    TESSERA_GRANTS_URL: stack.urls.grants,
    TESSERA_RECONCILIATION_URL: stack.urls.reconciliation,
    TESSERA_BOOTSTRAP_ADMIN_TOKEN: stack.adminToken,
  },
});
if (seed.status !== 0)
  log(`warning: scripts/seed-demo.mjs failed (${seed.status}); the system runs without demo data`);

const rows = [
  ["web app", `http://localhost:${ports.web}/`],
  ["policy API", `${stack.urls.policy}/docs`],
  ["grants API", `${stack.urls.grants}/docs`],
  ["reconciliation API", `${stack.urls.reconciliation}/docs`],
];
process.stdout.write(
  [
    "",
    "Tessera is running:",
    ...rows.map(([what, url]) => `  ${what.padEnd(20)} ${url}`),
    "",
    `  bootstrap admin token (${stack.adminTokenSource}):`,
    `    ${stack.adminToken}`,
    "",
    `  local data: ${stack.persistTo} (delete .state/ to start from scratch)`,
    "  stop: Ctrl-C",
    "",
  ].join("\n"),
);
