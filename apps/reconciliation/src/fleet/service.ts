/**
 * `FleetService`: the RPC entrypoint the policy and grants Workers ask "can the terminals in the field
 * follow this change?" through (their `FLEET` binding, ADR 0005), and the one function behind it and
 * `GET /v1/fleet/readiness`: the active terminals from the grants Worker's directory, weighed against the
 * latest report of each.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { type FleetReadiness, FleetReadinessRequest, fieldErrorsFromZod } from "@tessera/protocol";
import { reportStore } from "../db/reports.ts";
import { activeTerminals } from "../upstream/terminal-directory.ts";
import { DEFAULT_STALE_AFTER_SECONDS, fleetReadiness } from "./readiness.ts";

export async function readinessNow(
  env: { DB: D1Database; GRANTS: unknown },
  request: FleetReadinessRequest,
): Promise<FleetReadiness> {
  const [terminals, reports] = await Promise.all([
    activeTerminals(env),
    reportStore(env.DB).latestCapabilities(),
  ]);
  return fleetReadiness({
    terminals,
    reports,
    capabilities: request.capabilities,
    now: Math.floor(Date.now() / 1000),
    staleAfterSeconds: request.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
  });
}

export class FleetService extends WorkerEntrypoint<Env> {
  /**
   * Readiness of the active terminals for each capability asked. Malformed input throws a TypeError naming
   * the field; an unreachable directory throws, and the caller refuses its change (fail safe).
   */
  async readiness(request: FleetReadinessRequest): Promise<FleetReadiness> {
    const parsed = FleetReadinessRequest.safeParse(request);
    if (!parsed.success) {
      const fields = fieldErrorsFromZod(parsed.error).map((e) => `${e.path}: ${e.message}`);
      throw new TypeError(`readiness(request): ${fields.join("; ")}`);
    }
    return readinessNow(this.env, parsed.data);
  }
}
