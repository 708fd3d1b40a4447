/** Wire messages of the terminals resource, as the console reads and changes them. */
import { z } from "@hono/zod-openapi";
import { LocationId, Role } from "@tessera/protocol";
import { TERMINAL_STATUSES, type TerminalRow } from "../db/terminals.ts";
import { TerminalId } from "./grants.ts";

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

export const Terminal = z
  .object({
    terminalId: TerminalId,
    terminalNumber: z.int().min(1).max(0xff_ffff),
    name: z.string(),
    role: Role,
    locationId: LocationId,
    status: z.enum(TERMINAL_STATUSES),
    publicKey: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string() }),
    keyThumbprint: z.string().describe("RFC 7638 thumbprint of the device key (`cnf.jkt` of its grants)"),
    softwareVersion: z.string().nullable(),
    enrolledAt: z.iso.datetime(),
    statusChangedAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    lastGrantAt: z.iso.datetime().nullable(),
    grantSeq: z.int().nonnegative().describe("Sequence number of the last grant issued"),
  })
  .openapi("Terminal");
export type Terminal = z.infer<typeof Terminal>;

/** A terminal row as the API shows it; rows leave D1 only through this schema. */
export function terminalOf(row: TerminalRow): Terminal {
  return Terminal.parse({
    terminalId: row.id,
    terminalNumber: row.number,
    name: row.name,
    role: row.role,
    locationId: row.location_id,
    status: row.status,
    publicKey: { kty: "OKP", crv: "Ed25519", x: row.public_key_x },
    keyThumbprint: row.jkt,
    softwareVersion: row.software_version,
    enrolledAt: iso(row.enrolled_at),
    statusChangedAt: iso(row.status_changed_at),
    revokedAt: iso(row.revoked_at),
    lastGrantAt: iso(row.last_grant_at),
    grantSeq: row.grant_seq,
  });
}

export const TerminalList = z
  .object({
    terminals: z.array(Terminal),
    next: z.int().nullable().describe("Pass as `after` to read the next page; null on the last page"),
  })
  .openapi("TerminalList");

export const TerminalListQuery = z.object({
  status: z.enum(TERMINAL_STATUSES).optional(),
  locationId: LocationId.optional(),
  after: z.coerce.number().int().min(0).optional().describe("Terminal number to continue after"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const TerminalIdParam = z.object({ id: TerminalId.openapi({ param: { name: "id", in: "path" } }) });

export const StatusChangeRequest = z
  .object({ reason: z.string().trim().min(1).max(500).describe("Why, for the audit log") })
  .openapi("TerminalStatusChange");

export const RevocationResponse = z
  .object({
    terminal: Terminal,
    denyListVersion: z.int().nonnegative().describe("The deny-list version that lists the terminal"),
    effectiveFrom: z.iso
      .datetime()
      .describe("Card writes the terminal signs from this instant on are refused"),
  })
  .openapi("TerminalRevocation");
