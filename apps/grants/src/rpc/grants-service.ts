/**
 * `GrantsService`: what other Workers ask of this one over a service binding (RPC), per ADR 0003.
 * Reconciliation looks terminals up by the number events and cards carry (with the time their writes stop
 * being trusted), reads the JWKS (grants) and
 * the certificate key set (cards), adds deny-list entries when policy says a flag should, reads the
 * deny-list version, and pages through the active terminals (fleet readiness, ADR 0005).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { type CertificateKeySet, DenyReason, type Jwks } from "@tessera/protocol";
import { AuditActor, AuditEntryInput, type AuditSink } from "@tessera/service-kit";
import { z } from "zod";
import { terminals } from "../db/terminals.ts";
import { denyListService } from "../deny-list/deny-list-service.ts";
import { keyRing } from "../keys/keyring.ts";
import { GRANTS_SERVICE } from "../service.ts";
import { terminalService } from "../terminals/terminal-service.ts";

export interface TerminalFacts {
  terminalId: string;
  terminalNumber: number;
  publicKeyJwk: { kty: "OKP"; crv: "Ed25519"; x: string };
  status: "active" | "suspended" | "revoked";
  /** ISO time of revocation, or null. */
  revokedAt: string | null;
  /**
   * ISO time from which the terminal's card writes are refused: its deny-list entry's `effectiveFrom`, which
   * an operator may set earlier than the revocation (stolen yesterday, noticed today); the revocation time
   * when it is not listed; null when not revoked.
   */
  revokedFrom: string | null;
  role: "pos" | "gate" | "station";
  locationId: string;
}

const TerminalNumber = z.int().min(1).max(0xff_ffff);

/** An active terminal as the directory lists it for reconciliation's fleet readiness. */
export interface DirectoryTerminal {
  terminalId: string;
  terminalNumber: number;
  name: string;
  role: "pos" | "gate" | "station";
  locationId: string;
  status: "active";
}

const DirectoryPage = z.object({
  after: z.int().min(0).optional(),
  limit: z.int().min(1).max(1000).default(500),
});

const AddDenyEntryInput = z.object({
  kind: z.enum(["card", "terminal"]),
  /** Card id (16 lowercase hex), or terminal number (as a number or its decimal string). */
  id: z.union([z.string().regex(/^[0-9a-f]{16}$/), z.string().regex(/^[1-9][0-9]{0,7}$/), TerminalNumber]),
  reason: DenyReason,
  note: z.string().max(500).nullable().optional(),
  /** Who or what asks: an audit actor, or a short name such as "rule:clone_replay". */
  actor: z.union([AuditActor, z.string().min(1).max(128)]),
});
export type AddDenyEntryInput = z.infer<typeof AddDenyEntryInput>;

/** Checks RPC input; a caller's mistake comes back as a TypeError naming the field, not a schema dump. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TypeError(`${what}: ${issue?.path.join(".") || "value"} ${issue?.message ?? "is not valid"}`);
  }
  return result.data;
}

export class GrantsService extends WorkerEntrypoint<Env> {
  /** The terminal that carries `terminalNumber`, or null when none is enrolled under it. */
  async terminal(terminalNumber: number): Promise<TerminalFacts | null> {
    const number = parsed(TerminalNumber, terminalNumber, "terminal(terminalNumber)");
    const row = await terminals(this.env.DB).byNumber(number);
    if (!row) return null;
    // Listing a terminal revokes it, so only a revoked one can have an entry: the active ones read D1 once.
    const listed =
      row.revoked_at === null ? null : await denyListService(this.env).entry("terminal", row.number);
    const revokedFrom = listed?.kind === "terminal" ? listed.effectiveFrom : row.revoked_at;
    const iso = (seconds: number | null) =>
      seconds === null ? null : new Date(seconds * 1000).toISOString();
    return {
      terminalId: row.id,
      terminalNumber: row.number,
      publicKeyJwk: { kty: "OKP", crv: "Ed25519", x: row.public_key_x },
      status: row.status,
      revokedAt: iso(row.revoked_at),
      revokedFrom: iso(revokedFrom),
      role: row.role,
      locationId: row.location_id,
    };
  }

  /**
   * A page of the active terminals in number order; `next` continues it (null on the last page). Suspended
   * and revoked terminals are left out: neither can take a grant, so neither follows a change.
   */
  async activeTerminals(
    page: { after?: number; limit?: number } = {},
  ): Promise<{ terminals: DirectoryTerminal[]; next: number | null }> {
    const { after, limit } = parsed(DirectoryPage, page, "activeTerminals(page)");
    const rows = await terminals(this.env.DB).list({ status: "active", after, limit });
    return {
      terminals: rows.map((row) => ({
        terminalId: row.id,
        terminalNumber: row.number,
        name: row.name,
        role: row.role,
        locationId: row.location_id,
        status: "active" as const,
      })),
      next: rows.length === limit ? rows.at(-1)!.number : null,
    };
  }

  /** The keys that verify grants, as GET /.well-known/jwks.json serves them. */
  async jwks(): Promise<Jwks> {
    return keyRing(this.env).jwks();
  }

  /** The keys that verify terminal certificates, as GET /.well-known/tessera-certificate-keys.json serves them. */
  async certificateKeys(): Promise<CertificateKeySet> {
    return keyRing(this.env).certificateKeySet();
  }

  async denyListVersion(): Promise<number> {
    return denyListService(this.env).version();
  }

  /**
   * Lists a card or terminal (a terminal is revoked as well), audited under the given actor. Adding
   * what the list already says changes nothing, so a flag raised repeatedly does not churn the list.
   */
  async addDenyEntry(input: AddDenyEntryInput): Promise<{ version: number; changed: boolean }> {
    const request = parsed(AddDenyEntryInput, input, "addDenyEntry(input)");
    const note = request.note ?? null;
    const actor: AuditActor =
      typeof request.actor === "string" ? { kind: "system", id: request.actor } : request.actor;
    const actorName = `${actor.kind}:${actor.id}`;
    let version: number;
    let changed: boolean;
    let target: string;
    if (request.kind === "terminal") {
      const number = parsed(z.coerce.number().pipe(TerminalNumber), request.id, "addDenyEntry(input).id");
      const row = await terminals(this.env.DB).byNumber(number);
      if (!row) throw new Error(`no terminal number ${number} is enrolled`);
      const revocation = await terminalService(this.env).revoke(row, {
        note,
        actor: actorName,
        reason: request.reason === "compromised" ? "compromised" : "revoked",
      });
      ({ denyListVersion: version, changed } = revocation);
      target = `terminal:${row.id}`;
    } else {
      const result = await denyListService(this.env).add({
        kind: "card",
        id: parsed(z.string().regex(/^[0-9a-f]{16}$/), request.id, "addDenyEntry(input).id"),
        reason: request.reason,
        note,
        effectiveFrom: null,
        actor: actorName,
      });
      ({ version, changed } = result);
      target = `card:${request.id}`;
    }
    if (changed) {
      // Awaited like every admin action: a deny-list change whose audit entry cannot be written fails.
      await (this.env.AUDIT as unknown as AuditSink).append(
        AuditEntryInput.parse({
          service: GRANTS_SERVICE.service,
          actor,
          action: "deny_list.add",
          target,
          detail: { kind: request.kind, id: request.id, reason: request.reason, note, version },
          at: new Date().toISOString(),
        }),
      );
    }
    return { version, changed };
  }
}
