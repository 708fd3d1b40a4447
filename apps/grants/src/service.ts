/** Who this Worker is and what it accepts; shared by its entry point, its routes and its tests. */
import type { ServiceAppOptions } from "@tessera/service-kit";
import pkg from "../package.json" with { type: "json" };
import { GrantsBindings } from "./env.ts";

export const GRANTS_SERVICE = {
  service: "grants",
  version: pkg.version,
  // Enrolment and grant requests carry a public key and a proof-of-possession JWT: a few KiB at most.
  maxBodyBytes: 16 * 1024,
  bindings: GrantsBindings,
} satisfies ServiceAppOptions;
