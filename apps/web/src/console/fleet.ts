// What the console asks of the fleet-readiness gate (ADR 0005): which capabilities a policy draft needs, and
// the override fields an admin's choice adds to a publish or a rotation.
import { capabilitiesForLayoutChange } from "@tessera/protocol";
import { z } from "zod";

const Layouts = z.looseObject({
  layouts: z.looseObject({ readable: z.array(z.int()), write: z.int() }),
});

/**
 * What a policy draft asks of the terminals in the field before it may replace `current`, as the policy
 * Worker will ask reconciliation (empty when it asks nothing, or either document has no layouts to compare).
 */
export function policyChangeNeeds(current: unknown, draft: unknown): string[] {
  const before = Layouts.safeParse(current);
  const after = Layouts.safeParse(draft);
  if (!before.success || !after.success) return [];
  return capabilitiesForLayoutChange(before.data.layouts, after.data.layouts);
}

/** What the admin chose when the fleet is not ready: wait (refused), or go ahead with a reason. */
export interface FleetOverride {
  override: boolean;
  reason: string;
}

export const NO_OVERRIDE: FleetOverride = { override: false, reason: "" };

/** The request fields an override adds to a publish or a rotation; none while the admin waits. */
export function overrideFields(choice: FleetOverride): { override?: true; reason?: string } {
  return choice.override && choice.reason.trim() ? { override: true, reason: choice.reason.trim() } : {};
}
