/**
 * How terminals authenticate here: their session grant and DPoP proof (the kit's terminal-auth), with
 * the grants Worker's JWKS and terminal directory, and proof ids remembered in the isolate and RECON_KV.
 */
import { kvJtiStore, type TerminalStatus, terminalAuth } from "@tessera/service-kit";
import type { Context } from "hono";
import type { ReconciliationEnv } from "./env.ts";
import { backendKeys, grantsRpc, lookupTerminal } from "./upstream/grants.ts";

async function standing(
  c: Context<ReconciliationEnv>,
  principal: { terminalId: string; terminalNumber: number },
  fresh = false,
): Promise<TerminalStatus> {
  const terminal = await lookupTerminal(grantsRpc(c.env), principal.terminalNumber, { fresh });
  if (!terminal || terminal.terminalId !== principal.terminalId) return "unknown";
  return terminal.status === "active" || terminal.status === "suspended" || terminal.status === "revoked"
    ? terminal.status
    : "unknown";
}

const common = {
  jwks: async (c: Context<ReconciliationEnv>) => (await backendKeys(grantsRpc(c.env))).jwks,
  replay: (c: Context<ReconciliationEnv>) =>
    kvJtiStore(c.env.RECON_KV, { waitUntil: (promise) => c.executionCtx.waitUntil(promise) }),
};

/**
 * For actions a terminal takes now (asking for a top-up authorisation): only an active terminal, as the
 * directory says this moment — a station revoked a second ago gets no authorisation to write value.
 */
export const activeTerminal = terminalAuth<ReconciliationEnv>({
  ...common,
  terminalStatus: (c, principal) => standing(c, principal, true),
});

/**
 * For handing in what already happened (event uploads, reports): a suspended or revoked terminal may
 * still deliver its outbox, because the events before its revocation are real sales and the ones after
 * are the evidence its `revoked_terminal` flags rest on. Unknown terminals are still refused.
 */
export const deliveringTerminal = terminalAuth<ReconciliationEnv>({
  ...common,
  terminalStatus: async (c, principal) =>
    (await standing(c, principal)) === "unknown" ? "unknown" : "active",
});
