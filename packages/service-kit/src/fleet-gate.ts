/**
 * The fleet-readiness gate (ADR 0005) as the policy and grants Workers apply it before a change the terminals
 * in the field must be able to follow: ask reconciliation's `FleetService` over the `FLEET` service binding,
 * refuse with 409 `fleet_not_ready` while any active terminal is behind or unknown unless an admin overrides
 * with a reason, and refuse with 503 `fleet_readiness_unavailable` when the question goes unanswered.
 */
import { FleetReadiness, fleetNotReady, readinessSummary, TesseraError } from "@tessera/protocol";
import { z } from "zod";

/** Reconciliation's `FleetService` entrypoint as the `FLEET` binding exposes it (RPC). */
export interface FleetReadinessSource {
  readiness(request: { capabilities: string[] }): Promise<unknown>;
}

/**
 * The request fields of an admin's explicit decision to go ahead while the fleet is not ready, for a route's
 * body schema; pair them with `overrideNeedsReason`.
 */
export const FLEET_OVERRIDE_FIELDS = {
  override: z
    .boolean()
    .default(false)
    .describe(
      "Go ahead although active terminals are behind or unknown (fleet_not_ready): they will meet what they cannot handle. Ignored while the fleet is ready",
    ),
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe("Required with override; kept in the audit log with the readiness it overrode"),
};

/** The refinement that goes with `FLEET_OVERRIDE_FIELDS` (`.superRefine(overrideNeedsReason)`). */
export function overrideNeedsReason(
  body: { override?: boolean; reason?: string },
  ctx: z.RefinementCtx,
): void {
  if (body.override && body.reason === undefined)
    ctx.addIssue({ code: "custom", message: "an override needs a reason", path: ["reason"] });
}

/** The override a request carries, in the form `requireFleetReady` takes. */
export function fleetOverrideOf(body: {
  override?: boolean;
  reason?: string;
}): { reason: string } | undefined {
  return body.override && body.reason ? { reason: body.reason } : undefined;
}

export interface FleetGateRequest {
  /** The change, as the refusal's detail names it ("Switching the card write layout to 2"). */
  change: string;
  capabilities: string[];
  override?: { reason: string };
}

export interface FleetGatePassed {
  readiness: FleetReadiness;
  /** True when the fleet was not ready and the admin's override let the change through. */
  overridden: boolean;
  /** For the change's audit entry: what was asked, the numbers per capability, the override's reason. */
  audit: Record<string, unknown>;
}

/** The `FLEET` service binding as a readiness source; a Worker without one cannot make gated changes. */
export function fleetBinding(env: { FLEET?: unknown }): FleetReadinessSource {
  const binding = env.FLEET as Partial<FleetReadinessSource> | undefined;
  if (typeof binding?.readiness !== "function") throw new Error("the FLEET service binding is missing");
  return binding as FleetReadinessSource;
}

async function ask(source: FleetReadinessSource, request: FleetGateRequest): Promise<FleetReadiness> {
  try {
    const readiness = FleetReadiness.parse(await source.readiness({ capabilities: request.capabilities }));
    const answered = new Set(readiness.capabilities.map((entry) => entry.capability));
    const missing = request.capabilities.filter((capability) => !answered.has(capability));
    if (missing.length > 0) throw new Error(`no answer for ${missing.join(", ")}`);
    return readiness;
  } catch (error) {
    const reason =
      error instanceof z.ZodError
        ? `malformed answer: ${error.issues.map((issue) => issue.path.join(".")).join(", ")}`
        : String(error);
    console.error(JSON.stringify({ level: "error", event: "fleet_readiness_unavailable", error: reason }));
    throw new TesseraError(
      "fleet_readiness_unavailable",
      `${request.change} waits for reconciliation to say whether every active terminal can follow it, and no answer came; nothing was changed. Retry later`,
    );
  }
}

/** Passes when every active terminal is ready, or when the admin overrides; throws the refusal otherwise. */
export async function requireFleetReady(
  source: FleetReadinessSource,
  request: FleetGateRequest,
): Promise<FleetGatePassed> {
  const readiness = await ask(source, request);
  if (!readiness.ready && !request.override) throw fleetNotReady(request.change, readiness);
  const overridden = !readiness.ready;
  return {
    readiness,
    overridden,
    audit: {
      capabilities: request.capabilities,
      ready: readiness.ready,
      overridden,
      ...(overridden && request.override ? { reason: request.override.reason } : {}),
      readiness: readinessSummary(readiness),
    },
  };
}
