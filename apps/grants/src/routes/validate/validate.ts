/**
 * `POST /v1/validate`: online validation for terminals about to do something high-value and for
 * services. A card image gets the full offline verification with the current keys, policy and deny
 * list; a grant gets signature, validity and its terminal's standing.
 */
import type { RouteHandler } from "@hono/zod-openapi";
import {
  type CardVerdict,
  DenyList,
  fromBase64Url,
  verdictState,
  verifyCard,
  verifyGrant,
} from "@tessera/protocol";
import { problemResponses } from "@tessera/service-kit";
import { cardEntryOf, terminalEntryOf } from "../../db/deny-list.ts";
import { terminals } from "../../db/terminals.ts";
import { denyListService } from "../../deny-list/deny-list-service.ts";
import type { GrantsEnv } from "../../env.ts";
import { terminalOrSecureRoute } from "../../http/terminal-access.ts";
import { keyRing } from "../../keys/keyring.ts";
import { currentPolicy } from "../../policy-source.ts";
import { ValidateRequest, ValidateResponse } from "../../schemas/validate.ts";

export const validateRoute = terminalOrSecureRoute({
  method: "post",
  path: "/validate",
  tags: ["Validation"],
  summary: "Validate a card image or a session grant online",
  description: [
    "`kind: card`: the chip UID and the Tessera record payload as read (base64url). The card is verified exactly as a terminal would offline (signatures, certificates under the current certificate keys and policy, counters, chain, balance, scope) plus the current deny list; `remembered` adds the caller's last sighting for rollback and clone checks. The reconciled ledger's view of the card (its last settled counter) is reconciliation's `GET /v1/cards/{id}`.",
    "`kind: grant`: signature against the JWKS (grant keys only; a certificate key never verifies a grant), validity window, and whether its terminal is still active.",
    "Either way the answer is a verdict (200), not an error: only malformed input is refused.",
  ].join("\n\n"),
  access: { scopes: ["grants:validate"] },
  request: { body: { required: true, content: { "application/json": { schema: ValidateRequest } } } },
  responses: {
    200: { description: "The verdict", content: { "application/json": { schema: ValidateResponse } } },
    ...problemResponses(413, 415, 422, 503),
  },
});

function reasonOf(verdict: CardVerdict): string | undefined {
  return "reason" in verdict ? String(verdict.reason) : undefined;
}

export const validate: RouteHandler<typeof validateRoute, GrantsEnv> = async (c) => {
  const request = c.req.valid("json");
  const ring = keyRing(c.env);

  if (request.kind === "grant") {
    const verdict = await verifyGrant(request.grant, await ring.jwks());
    if (!verdict.ok)
      return c.json(ValidateResponse.parse({ kind: "grant", valid: false, reason: verdict.reason }), 200);
    const terminal = await terminals(c.env.DB).byId(verdict.claims.sub);
    const status = terminal && terminal.number === verdict.claims.tid ? terminal.status : "unknown";
    return c.json(
      ValidateResponse.parse({
        kind: "grant",
        valid: status === "active",
        ...(status === "active" ? {} : { reason: `terminal_${status}` }),
        claims: verdict.claims,
        terminalStatus: status,
      }),
      200,
    );
  }

  const [policy, keys] = await Promise.all([currentPolicy(c.env.POLICY), ring.certificateKeys()]);
  const image = {
    uid: fromBase64Url(request.uid),
    payload: request.payload === null ? null : fromBase64Url(request.payload),
  };
  const context = {
    keys,
    policy: { readableLayouts: policy.layouts.readable, acceptedKeyVersions: policy.keys.acceptedVersions },
  };
  // First read the card to learn its id and writer, then check it again against just those deny-list
  // entries: the same verdict as against the whole list, for one indexed read instead of a million rows.
  const state = verdictState(await verifyCard(image, context));
  const writers = state ? [state.certificate.terminalNumber] : [];
  const { version, rows } = await denyListService(c.env).lookup(state?.cardId ?? null, writers);
  const denyList = DenyList.fromEntries(
    version,
    rows.filter((row) => row.kind === "card").map(cardEntryOf),
    rows.filter((row) => row.kind === "terminal").map(terminalEntryOf),
  );
  const remembered = request.remembered;
  const verdict = await verifyCard(image, {
    ...context,
    denyList,
    ...(remembered
      ? { remembered: (cardId: string) => (cardId === state?.cardId ? remembered : undefined) }
      : {}),
  });
  const judged = verdictState(verdict);
  return c.json(
    ValidateResponse.parse({
      kind: "card",
      valid: verdict.kind === "valid",
      verdict: verdict.kind,
      ...(reasonOf(verdict) ? { reason: reasonOf(verdict) } : {}),
      ...(verdict.kind === "valid" ? { recovered: verdict.recovered } : {}),
      ...(judged
        ? {
            state: {
              cardId: judged.cardId,
              balance: judged.balance,
              counter: judged.counter,
              status: judged.status,
              writtenAt: new Date(judged.writtenAt * 1000).toISOString(),
              lastOperation: { op: judged.history[0]!.op, amount: judged.history[0]!.amount },
              terminalNumber: judged.certificate.terminalNumber,
              keyVersion: judged.certificate.keyVersion,
              chain: judged.chain,
            },
          }
        : {}),
      denyListVersion: version,
      policyVersion: policy.version,
    }),
    200,
  );
};
