/**
 * The fleet-readiness gate (ADR 0005) before the first split-purpose key version is published (ADR 0004):
 * terminal software from before the split refuses a grant answer whose key sets carry `tessera-grant-N` or
 * `tessera-cert-N` ids, and publication puts them in every grant answer at once, so every active terminal must
 * first have reported that it verifies split keys. Later rotations, and a fresh deployment's, ask nothing.
 */
import { SPLIT_KEYS } from "@tessera/protocol";
import { fleetBinding, requireFleetReady } from "@tessera/service-kit";
import { isDualPurpose, type SigningKeyRow } from "../db/signing-keys.ts";
import { publishesFirstSplitVersion } from "../domain/key-lifecycle.ts";

/**
 * Nothing when the next version is not the first split one; otherwise the readiness, refused
 * (`fleet_not_ready`, `fleet_readiness_unavailable`) or, when it passes, what `key.publish` audits of it.
 */
export async function splitKeysCheck(
  env: { FLEET?: unknown },
  rows: readonly SigningKeyRow[],
  override: { reason: string } | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (!publishesFirstSplitVersion(rows.map((row) => ({ dualPurpose: isDualPurpose(row) })))) return undefined;
  const next = Math.max(...rows.map((row) => row.version)) + 1;
  const passed = await requireFleetReady(fleetBinding(env), {
    change: `Publishing key version ${next}, the first whose grant and certificate keys are split,`,
    capabilities: [SPLIT_KEYS],
    ...(override ? { override } : {}),
  });
  return passed.audit;
}
