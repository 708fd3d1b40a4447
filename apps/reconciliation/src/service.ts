/** Who this Worker is and what it accepts; shared by its entry point, its routes and its tests. */
import type { ServiceAppOptions } from "@tessera/service-kit";
import pkg from "../package.json" with { type: "json" };
import { ReconciliationBindings } from "./env.ts";

export const RECONCILIATION_SERVICE = {
  service: "reconciliation",
  version: pkg.version,
  // A full batch (1000 events) is about 0.9 MB with NTAG215 slots and 1.2 MB with NTAG216 ones; 2 MiB
  // leaves room for the grants a batch may carry, and refuses anything bigger before it is parsed.
  maxBodyBytes: 2 * 1024 * 1024,
  bindings: ReconciliationBindings,
} satisfies ServiceAppOptions;
