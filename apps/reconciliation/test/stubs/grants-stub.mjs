// Test stand-in for the grants Worker's `GrantsService` RPC entrypoint (ADR 0003), serving the terminals and
// keys of test/fixtures/scheme.json (passed in as the FIXTURE binding by vitest.config.ts). Deny-list
// additions are remembered in memory so tests can see what reconciliation asked for, and a test may revoke a
// terminal while it runs, as an operator would through the grants Worker.
import { WorkerEntrypoint } from "cloudflare:workers";

const denyEntries = [];
/** Terminal number → fields a test changed (status, revokedAt, revokedFrom). */
const changed = new Map();
/** Set by a test to make the terminal directory fail, as an unreachable grants Worker would. */
let directoryDown = false;

export class GrantsService extends WorkerEntrypoint {
  async terminal(terminalNumber) {
    const found = this.env.FIXTURE.terminals.find((t) => t.terminalNumber === terminalNumber);
    if (!found) return null;
    const { seed: _seed, ...terminal } = found;
    return { ...terminal, ...changed.get(terminalNumber) };
  }

  /** The fixture's terminals still active (after any test's revocations), in number order, one page. */
  async activeTerminals() {
    if (directoryDown) throw new Error("grants stub: terminal directory down");
    const terminals = this.env.FIXTURE.terminals
      .map(({ seed: _seed, publicKeyJwk: _key, revokedAt: _at, ...terminal }) => ({
        ...terminal,
        ...changed.get(terminal.terminalNumber),
      }))
      .filter((terminal) => terminal.status === "active")
      .sort((a, b) => a.terminalNumber - b.terminalNumber)
      .map(({ terminalId, terminalNumber, role, locationId, status }) => ({
        terminalId,
        terminalNumber,
        role,
        locationId,
        status,
      }));
    return { terminals, next: null };
  }

  /** Test-only: make `activeTerminals` fail (true) or answer again (false). */
  async setDirectoryDown(down) {
    directoryDown = down;
  }

  /** Test-only: revoke a terminal, its writes refused from `revokedFrom` (epoch seconds, default `revokedAt`). */
  async revokeTerminal(terminalNumber, revokedAt, revokedFrom = revokedAt) {
    const iso = (seconds) => new Date(seconds * 1000).toISOString();
    changed.set(terminalNumber, {
      status: "revoked",
      revokedAt: iso(revokedAt),
      revokedFrom: iso(revokedFrom),
    });
  }

  /** Test-only: undo `revokeTerminal`. */
  async restoreTerminal(terminalNumber) {
    changed.delete(terminalNumber);
  }

  async jwks() {
    return { keys: [this.env.FIXTURE.backend.jwk] };
  }

  // The fixture's key version 1 is a legacy dual-purpose key (kid tessera-1), in both sets as the grants
  // Worker publishes such a version until it is retired (ADR 0004).
  async certificateKeys() {
    return { keys: [this.env.FIXTURE.backend.jwk] };
  }

  async addDenyEntry(entry) {
    denyEntries.push(entry);
    return { version: denyEntries.length };
  }

  /** Test-only: the deny-list additions received so far. */
  async denyEntries() {
    return denyEntries;
  }
}

export default {
  fetch() {
    return new Response("grants test stub: use the GrantsService entrypoint", { status: 404 });
  },
};
