#!/usr/bin/env node
// `npm run simulate`: the fleet simulator (terminals in Node on the real terminal engine, virtual cards, the
// local Workers, injected faults and attacks, a conservation check). It needs the terminal engine package,
// which does not exist yet, so for now this says so plainly and fails rather than pretending.
process.stderr.write(
  "simulate: the fleet simulator is not built yet: it runs the terminal engine package, which comes first.\n" +
    "          Card-level attack and tear scenarios already run in `npm test` (packages/protocol).\n",
);
process.exit(2);
