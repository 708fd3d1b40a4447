/**
 * Fleet readiness (ADR 0005): whether the active terminals in the field have reported software that can
 * follow a change before the change is made — a card layout to write, a layout dropped from the readable
 * set, the first key version whose grant and certificate keys are split. The capabilities a change needs,
 * how a report shows one, the answer reconciliation gives, and the refusal the policy and grants Workers
 * give when that answer is no.
 */
import { z } from "zod";
import { TesseraError } from "../errors/problem.ts";
import type { TerminalCapabilities } from "./capabilities.ts";

/**
 * `reads_layout:N` — reads cards in layout N; `writes_layout:N` — writes layout N when policy names it;
 * `split_keys` — verifies grants and certificates of a version whose two keys are split (ADR 0004).
 */
export type FleetCapability = `reads_layout:${number}` | `writes_layout:${number}` | "split_keys";

const CAPABILITY = "(?:(reads|writes)_layout:([1-9]|1[0-5])|split_keys)";
const CAPABILITY_PATTERN = new RegExp(`^${CAPABILITY}$`);

export const FleetCapability = z
  .string()
  .regex(CAPABILITY_PATTERN, "reads_layout:<1-15>, writes_layout:<1-15> or split_keys")
  .describe("A capability terminals report: reads_layout:N, writes_layout:N or split_keys");

export function isFleetCapability(value: string): value is FleetCapability {
  return CAPABILITY_PATTERN.test(value);
}

export const SPLIT_KEYS: FleetCapability = "split_keys";
export const readsLayout = (layout: number): FleetCapability => `reads_layout:${layout}`;
export const writesLayout = (layout: number): FleetCapability => `writes_layout:${layout}`;

/** At most this many capabilities per question, and terminals named per group. */
export const MAX_FLEET_CAPABILITIES = 32;
export const MAX_FLEET_TERMINALS_LISTED = 100;

/** Capabilities as a query string carries them: comma-separated, at most 32. */
export const FLEET_CAPABILITY_LIST_PATTERN = new RegExp(
  `^${CAPABILITY}(?:,${CAPABILITY}){0,${MAX_FLEET_CAPABILITIES - 1}}$`,
);

/**
 * Whether a terminal whose latest report said `capabilities` has `capability`. A report without
 * capabilities comes from software older than the question, which has none of them.
 */
export function hasCapability(capabilities: TerminalCapabilities | undefined, capability: string): boolean {
  if (!capabilities) return false;
  if (capability === SPLIT_KEYS)
    return capabilities.keyUses.includes("grant") && capabilities.keyUses.includes("certificate");
  const match = CAPABILITY_PATTERN.exec(capability);
  if (!match?.[1]) return false;
  const layouts = match[1] === "reads" ? capabilities.layouts.read : capabilities.layouts.write;
  return layouts.includes(Number(match[2]));
}

interface LayoutSettings {
  readable: readonly number[];
  write: number;
}

/**
 * What every active terminal must be able to do before a policy with `next` layouts replaces one with
 * `current`; empty when the change cannot strand a terminal.
 *
 * - A new write layout: cards in it reach every terminal, so each must read it; and a terminal that cannot
 *   write it refuses every write from then on (`layout_not_supported`).
 * - A layout dropped from `readable`: the fleet can no longer fall back on it, so each terminal must read
 *   every layout that is left.
 *
 * Adding a readable layout, or reordering them, needs nothing: no card is written in it yet.
 */
export function capabilitiesForLayoutChange(
  current: LayoutSettings,
  next: LayoutSettings,
): FleetCapability[] {
  const needed = new Set<FleetCapability>();
  if (next.write !== current.write) {
    needed.add(readsLayout(next.write));
    needed.add(writesLayout(next.write));
  }
  if (current.readable.some((layout) => !next.readable.includes(layout)))
    for (const layout of next.readable) needed.add(readsLayout(layout));
  return [...needed];
}

const EpochSeconds = z.int().min(0).max(0xffff_ffff);
const Count = z.int().nonnegative();

export const FleetTerminal = z
  .looseObject({
    terminalId: z.string(),
    terminalNumber: z.int().min(1),
    name: z.string().optional().describe("The name it was enrolled under"),
    role: z.string(),
    locationId: z.string().nullable(),
    softwareVersion: z.string().nullable().describe("From its latest report; null when it never reported"),
    lastReportAt: EpochSeconds.nullable().describe("When its latest report arrived (server clock)"),
  })
  .describe("An active terminal from the grants Worker's directory, with its latest report");
export type FleetTerminal = z.infer<typeof FleetTerminal>;

const FleetGroup = z.looseObject({
  count: Count,
  terminals: z
    .array(FleetTerminal)
    .max(MAX_FLEET_TERMINALS_LISTED)
    .describe(`The first ${MAX_FLEET_TERMINALS_LISTED} by terminal number`),
});

export const CapabilityReadiness = z.looseObject({
  capability: FleetCapability,
  ready: Count.describe("Active terminals whose latest report, recent enough, has it"),
  behind: FleetGroup.describe("Active terminals whose latest report, recent enough, does not have it"),
  unknown: FleetGroup.describe("Active terminals that never reported, or not within staleAfterSeconds"),
});
export type CapabilityReadiness = z.infer<typeof CapabilityReadiness>;

export const FleetReadiness = z.looseObject({
  at: EpochSeconds.describe("When this was worked out"),
  staleAfterSeconds: z.int().positive().describe("A report older than this says nothing about now"),
  activeTerminals: Count,
  ready: z.boolean().describe("True when no active terminal is behind or unknown on any capability asked"),
  capabilities: z.array(CapabilityReadiness),
});
export type FleetReadiness = z.infer<typeof FleetReadiness>;

/** What a question to reconciliation's `FleetService.readiness()` carries. */
export const FleetReadinessRequest = z.object({
  capabilities: z.array(FleetCapability).min(1).max(MAX_FLEET_CAPABILITIES),
  staleAfterSeconds: z.int().positive().optional(),
});
export type FleetReadinessRequest = z.infer<typeof FleetReadinessRequest>;

/** The readiness as an audit entry keeps it: the numbers per capability and who was not ready. */
export function readinessSummary(readiness: FleetReadiness) {
  return {
    at: readiness.at,
    activeTerminals: readiness.activeTerminals,
    staleAfterSeconds: readiness.staleAfterSeconds,
    capabilities: readiness.capabilities.map((entry) => ({
      capability: entry.capability,
      ready: entry.ready,
      behind: entry.behind.count,
      unknown: entry.unknown.count,
      behindTerminals: entry.behind.terminals.map((terminal) => terminal.terminalId),
      unknownTerminals: entry.unknown.terminals.map((terminal) => terminal.terminalId),
    })),
  };
}

const NAMED_IN_DETAIL = 5;

function named(group: z.infer<typeof FleetGroup>): string {
  const ids = group.terminals.slice(0, NAMED_IN_DETAIL).map((terminal) => terminal.terminalId);
  const more = group.count - ids.length;
  return ids.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/**
 * The refusal of a change the fleet cannot follow yet: 409 `fleet_not_ready`, the readiness (with the
 * terminals behind and unknown) as an extension member, and the way forward in the detail.
 */
export function fleetNotReady(change: string, readiness: FleetReadiness): TesseraError {
  const gaps = readiness.capabilities
    .filter((entry) => entry.behind.count + entry.unknown.count > 0)
    .map((entry) => {
      const parts = [
        entry.behind.count > 0 ? `${entry.behind.count} behind (${named(entry.behind)})` : "",
        entry.unknown.count > 0 ? `${entry.unknown.count} unknown (${named(entry.unknown)})` : "",
      ].filter(Boolean);
      return `${entry.capability}: ${parts.join(", ")}`;
    });
  return new TesseraError(
    "fleet_not_ready",
    `${change} needs every active terminal to report software that can follow it; of ${readiness.activeTerminals} active terminals, ${gaps.join("; ")}. Update or suspend them, or pass override with a reason`,
    { readiness },
  );
}
