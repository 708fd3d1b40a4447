#!/usr/bin/env node
// Demo-data hook run by `npm run dev` once every service answers: later issues fill it with a demo
// operator, policy, terminals and cards. It must stay idempotent (dev restarts run it again on the same
// .state/) and talk to the services only through their public HTTP APIs, like any other client.
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

process.stdout.write("seed-demo: nothing to seed yet\n");
