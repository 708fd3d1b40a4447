/**
 * Checks of one event against the grant it names, its certificate, its terminal's revocation and the
 * policy: the anomalies visible without the rest of the card's history. Pure; the verifier gathers the facts.
 */
import type { Operation, Role } from "@tessera/protocol";
import type { EventFlag } from "./types.ts";
import { offlineValue } from "./value.ts";

/** What reconciliation knows of the grant an event names (from a verified grant JWT). */
export interface GrantFacts {
  grantId: string;
  terminalId: string;
  terminalNumber: number;
  role: Role;
  operations: readonly Operation[];
  perTransaction: number;
  notBefore: number;
  expiresAt: number;
}

export interface EventCheckInput {
  event: {
    terminalId: string;
    terminalNumber: number;
    grantId: string;
    op: Operation;
    amount: number;
    /** Slot `writtenAt`, the signed time of the write. */
    writtenAt: number;
    /** The event's own `at`. */
    at: number;
  };
  certificate: { operations: readonly Operation[]; validFrom: number; validUntil: number };
  /** The named grant, or null when it was never presented to reconciliation. */
  grant: GrantFacts | null;
  /** When the terminal was revoked (epoch seconds), or null. */
  revokedAt: number | null;
  /** The terminal's role, for policy's offline limits when the grant is unknown. */
  role: Role;
  policy: { clockSkewSeconds: number; roles: Record<Role, { offline: { perTransaction: number } }> };
  /** When the server received the event. */
  receivedAt: number;
}

export function checkEvent(input: EventCheckInput): EventFlag[] {
  const { event, certificate, grant, policy } = input;
  const skew = policy.clockSkewSeconds;
  const flags: EventFlag[] = [];
  const at = event.writtenAt;

  // Scope: the grant's operations and the certificate's, both (the certificate is checked by readers too).
  const allowed = grant?.operations ?? certificate.operations;
  if (!allowed.includes(event.op) || !certificate.operations.includes(event.op)) {
    flags.push({
      kind: "out_of_scope",
      detail: `Terminal ${event.terminalId} may not ${event.op}: its ${grant ? "grant allows" : "certificate allows"} ${allowed.join(", ") || "nothing"}.`,
      amount: event.amount,
    });
  }

  // Validity: the grant named, for this terminal, at the time of the write; within the skew it is only noted.
  const windows: string[] = [];
  let skewed = false;
  const within = (from: number, until: number, what: string) => {
    if (at >= from && at <= until) return;
    if (at >= from - skew && at <= until + skew) skewed = true;
    else windows.push(`${what} was valid ${iso(from)} to ${iso(until)}, the write is dated ${iso(at)}`);
  };
  if (grant === null) {
    windows.push(
      `grant ${event.grantId} was never presented to reconciliation (checked against the certificate)`,
    );
  } else if (grant.terminalId !== event.terminalId || grant.terminalNumber !== event.terminalNumber) {
    windows.push(`grant ${event.grantId} belongs to terminal ${grant.terminalId}`);
  } else {
    within(grant.notBefore, grant.expiresAt, `grant ${event.grantId}`);
  }
  within(certificate.validFrom, certificate.validUntil, "the certificate on the card");
  if (windows.length > 0) flags.push({ kind: "grant_expired", detail: `${capitalise(windows.join("; "))}.` });

  // Limits: per transaction, from the grant (policy's role limit when the grant is unknown).
  const limit = grant?.perTransaction ?? policy.roles[input.role].offline.perTransaction;
  const moved = offlineValue(event.op, event.amount);
  if (moved > limit) {
    flags.push({
      kind: "over_transaction_limit",
      detail: `A ${event.op} of ${moved} is over the per-transaction limit of ${limit}.`,
      amount: moved,
    });
  }

  if (input.revokedAt !== null && at >= input.revokedAt) {
    flags.push({
      kind: "revoked_terminal",
      detail: `Written ${iso(at)} by terminal ${event.terminalId}, revoked since ${iso(input.revokedAt)}.`,
      amount: event.amount,
    });
  }

  // Clocks: a write dated after its own upload, or an event whose time disagrees with its signed slot.
  const ahead = at - input.receivedAt;
  if (ahead > skew) {
    skewed = true;
  }
  if (Math.abs(event.at - at) > skew) skewed = true;
  if (skewed) {
    const reasons: string[] = [];
    if (ahead > skew) reasons.push(`the write is dated ${ahead} s after it was received`);
    if (Math.abs(event.at - at) > skew)
      reasons.push(`the event says ${iso(event.at)}, its card slot ${iso(at)}`);
    if (reasons.length === 0)
      reasons.push("the write falls outside its grant or certificate by less than the allowed skew");
    flags.push({
      kind: "clock_skew",
      detail: `Terminal clock off: ${reasons.join("; ")} (allowed skew ${skew} s).`,
    });
  }
  return flags;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
