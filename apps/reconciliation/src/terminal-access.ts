/**
 * How terminals authenticate here: their session grant and DPoP proof (the kit's terminal-auth), with
 * the grants Worker's JWKS and terminal directory, and proof ids remembered in the isolate and RECON_KV —
 * or, for reports, in the isolate and in the stored report itself.
 */
import { type JtiStore, kvJtiStore, type TerminalStatus, terminalAuth } from "@tessera/service-kit";
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
async function delivering(
  c: Context<ReconciliationEnv>,
  principal: { terminalId: string; terminalNumber: number },
): Promise<TerminalStatus> {
  return (await standing(c, principal)) === "unknown" ? "unknown" : "active";
}

export const deliveringTerminal = terminalAuth<ReconciliationEnv>({ ...common, terminalStatus: delivering });

/** Report proofs this isolate has seen, until their proof window closes: a minute or so of a busy isolate's. */
const MAX_REPORT_PROOFS = 20_000;
const reportProofs = new Map<string, number>();
const proofOfRequest = new WeakMap<Request, string>();

/**
 * A report's proof id is claimed in this isolate's memory only, so a copy replayed here is refused at once
 * (401 `dpop_replayed`) and no KV round trip stands between a terminal and its 202. A copy replayed to
 * another isolate passes that check but stores nothing: the report is inserted under its proof's id, which
 * D1 holds once (`terminal_reports.proof_id`). A report has no effect but being stored, so the replay
 * gains nothing either way.
 */
function reportProofStore(c: Context<ReconciliationEnv>): JtiStore {
  return {
    async claim(jti, ttlSeconds) {
      const now = Date.now();
      const known = reportProofs.get(jti);
      if (known !== undefined && known > now) return false;
      if (reportProofs.size >= MAX_REPORT_PROOFS) {
        for (const [id, until] of reportProofs) if (until <= now) reportProofs.delete(id);
        // Still full: forget the oldest (insertion order); D1 still refuses their reports a second time.
        for (const id of reportProofs.keys()) {
          if (reportProofs.size < MAX_REPORT_PROOFS * 0.9) break;
          reportProofs.delete(id);
        }
      }
      reportProofs.set(jti, now + ttlSeconds * 1000);
      proofOfRequest.set(c.req.raw, jti);
      return true;
    },
  };
}

/** The id of the DPoP proof `reportingTerminal` admitted this request with. */
export function reportProofId(c: Context<ReconciliationEnv>): string {
  const id = proofOfRequest.get(c.req.raw);
  if (!id) throw new Error("no report proof was claimed for this request");
  return id;
}

/** Forgets this isolate's report proofs, so a test can replay one as another isolate would see it. */
export function forgetReportProofs(): void {
  reportProofs.clear();
}

/** `deliveringTerminal` for reports, whose proofs are remembered as `reportProofStore` says. */
export const reportingTerminal = terminalAuth<ReconciliationEnv>({
  jwks: common.jwks,
  replay: reportProofStore,
  terminalStatus: delivering,
});
