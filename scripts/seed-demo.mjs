#!/usr/bin/env node
// Demo data for `npm run dev`, made once every service answers: one enrolment code per terminal role (a POS
// till, an entrance gate, a card station), printed so a newcomer can open the web app's terminal, choose demo
// mode and enrol. The demo policy and catalog come from the Workers' own migrations; demo cards are virtual
// and live in the browser's demo wallet. Safe to run again on the same .state/: each run makes fresh codes
// (they expire in a day and only work once), nothing else changes. Public HTTP APIs only, like any client.
//
// Environment it receives from scripts/dev.mjs:
//   TESSERA_POLICY_URL, TESSERA_GRANTS_URL, TESSERA_RECONCILIATION_URL  base URLs of the running Workers
//   TESSERA_BOOTSTRAP_ADMIN_TOKEN                                        token that may create the first admin
//
// Exit non-zero on failure: dev.mjs then warns and keeps the system running without demo data.

const services = {
  policy: process.env.TESSERA_POLICY_URL,
  grants: process.env.TESSERA_GRANTS_URL,
  reconciliation: process.env.TESSERA_RECONCILIATION_URL,
};

const missing = Object.entries(services).filter(([, url]) => !url);
if (missing.length > 0) {
  process.stderr.write(
    `seed-demo: run through \`npm run dev\`; missing URLs for ${missing.map(([n]) => n).join(", ")}\n`,
  );
  process.exit(1);
}

const adminToken = process.env.TESSERA_BOOTSTRAP_ADMIN_TOKEN;
const DEMO_TERMINALS = [
  { role: "pos", name: "Demo canteen till", locationId: "canteen" },
  { role: "gate", name: "Demo entrance gate", locationId: "entrance" },
  { role: "station", name: "Demo card station", locationId: "canteen" },
];
// The longest a code may live: long enough to try the demo at leisure after starting the stack.
const CODE_LIFETIME_SECONDS = 24 * 3600;

async function makeCode(terminal) {
  const response = await fetch(`${services.grants}/v1/enrolment-codes`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ ...terminal, expiresInSeconds: CODE_LIFETIME_SECONDS }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status !== 201) {
    throw new Error(
      `enrolment code for ${terminal.role}: ${response.status} ${body.code ?? ""} ${body.detail ?? ""}`,
    );
  }
  return body;
}

try {
  const lines = [];
  for (const terminal of DEMO_TERMINALS) {
    const { code, expiresAt } = await makeCode(terminal);
    lines.push(
      `  ${terminal.role.padEnd(8)} ${code}   ${terminal.name} (${terminal.locationId}), until ${expiresAt}`,
    );
  }
  process.stdout.write(
    `seed-demo: enrolment codes for demo terminals (open the web app's Terminal, choose demo mode, type a code):\n${lines.join("\n")}\n`,
  );
} catch (error) {
  process.stderr.write(`seed-demo: ${error.message}\n`);
  process.exit(1);
}
