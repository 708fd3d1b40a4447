/**
 * Changes to a terminal's standing. Revocation is final: the terminal goes on the deny list (its card
 * writes from now on are refused everywhere once terminals hold the new list), its cached grant is
 * deleted, and every later grant or terminal request is refused on the D1 status.
 */
import { TesseraError } from "@tessera/protocol";
import { type TerminalRow, type TerminalStatus, terminals } from "../db/terminals.ts";
import { denyListService } from "../deny-list/deny-list-service.ts";
import { grantCache } from "../kv/grant-cache.ts";

export interface TerminalEnv {
  DB: D1Database;
  GRANTS_KV: KVNamespace;
}

export interface Revocation {
  terminal: TerminalRow;
  denyListVersion: number;
  effectiveFrom: number;
  /** False when the terminal was already revoked (nothing changed). */
  changed: boolean;
}

export function terminalService(env: TerminalEnv) {
  const repo = terminals(env.DB);
  const cache = grantCache(env.GRANTS_KV);

  async function existing(id: string): Promise<TerminalRow> {
    const row = await repo.byId(id);
    if (!row) throw new TesseraError("not_found", `No terminal ${id}`);
    return row;
  }

  async function move(
    id: string,
    from: TerminalStatus,
    to: TerminalStatus,
  ): Promise<{ terminal: TerminalRow; changed: boolean }> {
    const row = await existing(id);
    if (row.status === to) return { terminal: row, changed: false };
    if (row.status !== from)
      throw new TesseraError(
        "conflict",
        `Terminal ${id} is ${row.status}; only a ${from} terminal can become ${to}`,
      );
    const moved = await repo.setStatus(id, from, to, Math.floor(Date.now() / 1000));
    if (!moved)
      throw new TesseraError("conflict", `Terminal ${id} changed state meanwhile; read it and retry`);
    // The cached grant goes at once; the D1 status check refuses any copy still propagating through KV.
    await cache.delete(id);
    return { terminal: moved, changed: true };
  }

  return {
    existing,
    suspend: (id: string) => move(id, "active", "suspended"),
    resume: (id: string) => move(id, "suspended", "active"),

    /** Revokes the terminal and lists it on the deny list from `effectiveFrom` (now by default). */
    async revoke(
      terminal: TerminalRow,
      input: {
        note: string | null;
        actor: string;
        reason?: "revoked" | "compromised";
        effectiveFrom?: number;
      },
    ): Promise<Revocation> {
      const at = Math.floor(Date.now() / 1000);
      const denyList = denyListService(env);
      if (terminal.status === "revoked") {
        const listed = await denyList.entry("terminal", terminal.number);
        if (listed?.kind === "terminal")
          return {
            terminal,
            denyListVersion: await denyList.version(),
            effectiveFrom: listed.effectiveFrom,
            changed: false,
          };
      }
      const effectiveFrom = input.effectiveFrom ?? at;
      const { version, entry } = await denyList.add(
        {
          kind: "terminal",
          id: terminal.number,
          reason: input.reason ?? "revoked",
          note: input.note,
          effectiveFrom,
          actor: input.actor,
        },
        [repo.revokeStatement(terminal.id, at)],
      );
      await cache.delete(terminal.id);
      const revoked = await existing(terminal.id);
      return {
        terminal: revoked,
        denyListVersion: version,
        effectiveFrom: entry.kind === "terminal" ? entry.effectiveFrom : effectiveFrom,
        changed: true,
      };
    },
  };
}
