/** Who this Worker is and what it accepts; shared by its entry point, its routes and its tests. */
import type { ServiceAppOptions } from "@tessera/service-kit";
import pkg from "../package.json" with { type: "json" };
import { ReconciliationBindings } from "./env.ts";

export const RECONCILIATION_SERVICE = {
  service: "reconciliation",
  version: pkg.version,
  // A terminal back from a day offline uploads its outbox in batches; 1 MiB holds thousands of events.
  maxBodyBytes: 1024 * 1024,
  bindings: ReconciliationBindings,
} satisfies ServiceAppOptions;
