/**
 * Reconciliation's `FleetService` as this Worker asks it (the `FLEET` binding, ADR 0005): before a policy
 * changes the card layout terminals write, or drops a layout they read, every active terminal must have
 * reported software that can follow.
 */
import { capabilitiesForLayoutChange, PolicyDraft } from "@tessera/protocol";
import { fleetBinding, requireFleetReady } from "@tessera/service-kit";

/**
 * The check of a policy about to replace `current`: nothing when its layouts ask nothing new of the fleet;
 * otherwise the readiness, refused (`fleet_not_ready`, `fleet_readiness_unavailable`) or, when it passes,
 * what the publish's audit entry keeps of it.
 */
export async function layoutChangeCheck(
  env: { FLEET?: unknown },
  current: Record<string, unknown>,
  next: Record<string, unknown>,
  override: { reason: string } | undefined,
): Promise<Record<string, unknown> | undefined> {
  const before = PolicyDraft.parse(current).layouts;
  const after = PolicyDraft.parse(next).layouts;
  const capabilities = capabilitiesForLayoutChange(before, after);
  if (capabilities.length === 0) return undefined;
  const dropped = before.readable.filter((layout) => !after.readable.includes(layout));
  const change = [
    after.write !== before.write
      ? `Switching the card write layout from ${before.write} to ${after.write}`
      : "",
    dropped.length > 0 ? `Dropping card layout ${dropped.join(", ")} from the readable layouts` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const passed = await requireFleetReady(fleetBinding(env), {
    change,
    capabilities,
    ...(override ? { override } : {}),
  });
  return passed.audit;
}
