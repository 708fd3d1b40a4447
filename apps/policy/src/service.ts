/** Who this Worker is and what it accepts; shared by its entry point, its routes and its tests. */
import type { ServiceAppOptions } from "@tessera/service-kit";
import pkg from "../package.json" with { type: "json" };
import { PolicyBindings } from "./env.ts";

export const POLICY_SERVICE = {
  service: "policy",
  version: pkg.version,
  // A policy document with its catalog stays well under 64 KiB; anything bigger is a mistake or an attack.
  maxBodyBytes: 64 * 1024,
  bindings: PolicyBindings,
} satisfies ServiceAppOptions;
