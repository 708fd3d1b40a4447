/**
 * `POST /v1/grants`: a terminal fetches its session grant. It has no grant yet, so the DPoP proof alone
 * authenticates it: signed by the device key enrolled for the terminal the body names, fresh, and used once.
 */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError, verifyDpopProof } from "@tessera/protocol";
import {
  enforceRateLimit,
  problemResponses,
  proofReplayWindowSeconds,
  secureRoute,
} from "@tessera/service-kit";
import { dpopProofs } from "../../db/dpop-proofs.ts";
import { terminals } from "../../db/terminals.ts";
import type { GrantsEnv } from "../../env.ts";
import { grantIssuer } from "../../grants/grant-issuer.ts";
import { auditInBackground } from "../../http/background.ts";
import { GrantRequest, GrantResponse } from "../../schemas/grants.ts";

/** The same windows the terminal-auth middleware uses for proofs that accompany a grant. */
const PROOF = { proofMaxAgeSeconds: 60, clockSkewSeconds: 300 };

export const issueGrantRoute = secureRoute({
  method: "post",
  path: "/grants",
  tags: ["Grants"],
  summary: "Fetch a session grant (terminal, DPoP proof of the enrolled device key)",
  description: [
    "Authenticated by the `DPoP` header alone (RFC 9449; `htm` POST, `htu` this URL, fresh `iat`, unique `jti`), signed by the device key enrolled for `terminalId`. No `Authorization` header.",
    "A repeat request before the grant's `refreshAt` returns the same grant from the edge cache (`X-Tessera-Grant: cached`); from `refreshAt` on, a new grant is signed (`issued`). Rate-limited per terminal (429 with `Retry-After`).",
  ].join("\n\n"),
  access: { public: true },
  request: {
    body: { required: true, content: { "application/json": { schema: GrantRequest } } },
  },
  responses: {
    200: {
      description: "The grant, the card certificate and what the terminal needs to act offline",
      headers: { "X-Tessera-Grant": { schema: { type: "string", enum: ["cached", "issued"] } } },
      content: { "application/json": { schema: GrantResponse } },
    },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const issueGrant: RouteHandler<typeof issueGrantRoute, GrantsEnv> = async (c) => {
  const { terminalId } = c.req.valid("json");
  const proof = c.req.header("DPoP");
  if (!proof || proof.includes(",")) {
    c.header("WWW-Authenticate", 'DPoP algs="EdDSA"');
    throw new TesseraError("dpop_invalid", "Send exactly one DPoP proof signed by the terminal's device key");
  }
  const verdict = await verifyDpopProof(proof, {
    htm: c.req.method,
    htu: c.req.url,
    maxAgeSeconds: PROOF.proofMaxAgeSeconds,
    clockSkewSeconds: PROOF.clockSkewSeconds,
  });
  if (!verdict.ok) throw new TesseraError("dpop_invalid", `The DPoP proof was refused: ${verdict.reason}`);
  // One transaction records the proof id (a second use of it changes nothing) and reads the terminal.
  const [claim, found] = await c.env.DB.batch([
    dpopProofs(c.env.DB).claimStatement(verdict.jti, proofReplayWindowSeconds(PROOF)),
    terminals(c.env.DB).byIdStatement(terminalId),
  ]);
  const terminal = terminals(c.env.DB).rowOf(found);
  if (!terminal) throw new TesseraError("terminal_unknown", `No terminal ${terminalId} is enrolled`);
  // Only the enrolled device key may ask for this terminal's grant.
  if (verdict.jkt !== terminal.jkt)
    throw new TesseraError(
      "dpop_invalid",
      "The DPoP proof was not made with this terminal's enrolled device key",
    );
  if (claim!.meta.changes !== 1)
    throw new TesseraError("dpop_replayed", "This DPoP proof was already used; make a new one per request");
  if (terminal.status === "revoked")
    throw new TesseraError("terminal_revoked", "This terminal has been revoked");
  if (terminal.status === "suspended")
    throw new TesseraError("terminal_suspended", "This terminal is suspended");
  // The rate limit and the cache are asked at once; nothing is signed before both have answered.
  const issuer = grantIssuer(c.env);
  const [, cached] = await Promise.all([
    enforceRateLimit(c, c.env.GRANT_RATE_LIMITER, `grant:${terminal.id}`, "grant requests for this terminal"),
    issuer.cached(terminal),
  ]);
  const outcome = cached ?? (await issuer.issue(terminal, new URL(c.req.url).origin));
  if (outcome.issued) {
    const grant = outcome.cached;
    auditInBackground(c, "grant.issue", () =>
      c.var.audit(
        "grant.issue",
        `terminal:${terminal.id}`,
        {
          grantId: grant.grantId,
          gseq: grant.gseq,
          keyVersion: grant.keyVersion,
          policyVersion: grant.policyVersion,
          denyListVersion: grant.denyListVersion,
          expiresAt: outcome.response.expiresAt,
        },
        { kind: "terminal", id: terminal.id, name: terminal.name },
      ),
    );
  }
  c.header("X-Tessera-Grant", outcome.issued ? "issued" : "cached");
  c.header("Cache-Control", "no-store");
  return c.json(GrantResponse.parse(outcome.response), 200);
};
