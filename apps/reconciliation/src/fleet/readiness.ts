/**
 * Fleet readiness (ADR 0005) as a pure function: from the active terminals in the grants Worker's directory
 * and the latest report of each, which of them have reported each capability a change needs (ready), which
 * reported without it (behind), and which never reported or not recently enough to say (unknown).
 */
import {
  type CapabilityReadiness,
  type FleetReadiness,
  type FleetTerminal,
  hasCapability,
  MAX_FLEET_TERMINALS_LISTED,
  TerminalCapabilities,
} from "@tessera/protocol";

/**
 * A report older than this says nothing about the terminal now: it may have been out of use, reset or
 * reinstalled since. A week covers a venue closed over a weekend or a holiday, and no longer.
 */
export const DEFAULT_STALE_AFTER_SECONDS = 7 * 86_400;

/** A terminal as the directory lists it; only `active` ones count (suspended and revoked take no grant). */
export interface DirectoryTerminal {
  terminalId: string;
  terminalNumber: number;
  name?: string;
  role: string;
  locationId?: string | null;
  status: string;
}

/** A terminal's newest report, reduced to what readiness reads. */
export interface LatestReport {
  terminalId: string;
  /** When it arrived, by this Worker's clock (epoch seconds): a terminal's own clock may be wrong. */
  receivedAt: number;
  softwareVersion: string | null;
  /** The report's `capabilities` member as stored; absent from software older than ADR 0005. */
  capabilities: unknown;
}

export interface ReadinessQuestion {
  terminals: readonly DirectoryTerminal[];
  reports: readonly LatestReport[];
  capabilities: readonly string[];
  /** Epoch seconds. */
  now: number;
  staleAfterSeconds: number;
}

type Standing = { kind: "unknown" } | { kind: "reported"; capabilities: TerminalCapabilities | undefined };

function standingOf(report: LatestReport | undefined, freshFrom: number): Standing {
  if (!report || report.receivedAt < freshFrom) return { kind: "unknown" };
  // A report whose capabilities do not parse says nothing it can be held to: it counts as having none.
  const parsed = TerminalCapabilities.safeParse(report.capabilities);
  return { kind: "reported", capabilities: parsed.success ? parsed.data : undefined };
}

export function fleetReadiness(question: ReadinessQuestion): FleetReadiness {
  const reports = new Map(question.reports.map((report) => [report.terminalId, report]));
  const freshFrom = question.now - question.staleAfterSeconds;
  const active = question.terminals
    .filter((terminal) => terminal.status === "active")
    .sort((a, b) => a.terminalNumber - b.terminalNumber)
    .map((terminal) => {
      const report = reports.get(terminal.terminalId);
      const described: FleetTerminal = {
        terminalId: terminal.terminalId,
        terminalNumber: terminal.terminalNumber,
        ...(terminal.name === undefined ? {} : { name: terminal.name }),
        role: terminal.role,
        locationId: terminal.locationId ?? null,
        softwareVersion: report?.softwareVersion ?? null,
        lastReportAt: report?.receivedAt ?? null,
      };
      return { described, standing: standingOf(report, freshFrom) };
    });

  const capabilities = [...new Set(question.capabilities)].map((capability): CapabilityReadiness => {
    const entry: CapabilityReadiness = {
      capability,
      ready: 0,
      behind: { count: 0, terminals: [] },
      unknown: { count: 0, terminals: [] },
    };
    for (const { described, standing } of active) {
      if (standing.kind === "reported" && hasCapability(standing.capabilities, capability)) {
        entry.ready += 1;
        continue;
      }
      const group = standing.kind === "unknown" ? entry.unknown : entry.behind;
      group.count += 1;
      if (group.terminals.length < MAX_FLEET_TERMINALS_LISTED) group.terminals.push(described);
    }
    return entry;
  });

  return {
    at: question.now,
    staleAfterSeconds: question.staleAfterSeconds,
    activeTerminals: active.length,
    ready: capabilities.every((entry) => entry.behind.count === 0 && entry.unknown.count === 0),
    capabilities,
  };
}
