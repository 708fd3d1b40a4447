/** `POST /v1/terminals`: a terminal enrols with a one-time code and the public half of its device key. */
import type { RouteHandler } from "@hono/zod-openapi";
import {
  jwkThumbprint,
  normaliseEnrolmentCode,
  TerminalEnrolmentResponse,
  TesseraError,
} from "@tessera/protocol";
import { clientAddress, enforceRateLimit, problemResponses, secureRoute } from "@tessera/service-kit";
import { enrolmentCodes, terminals } from "../../db/terminals.ts";
import { hashEnrolmentCode } from "../../enrolment.ts";
import type { GrantsEnv } from "../../env.ts";
import { auditInBackground } from "../../http/background.ts";
import { newId } from "../../ids.ts";
import { EnrolmentRequest } from "../../schemas/jwk.ts";

export const enrolTerminalRoute = secureRoute({
  method: "post",
  path: "/terminals",
  tags: ["Enrolment"],
  summary: "Enrol a terminal with a one-time code and its device public key",
  description:
    "The terminal generates its Ed25519 device key pair as non-extractable WebCrypto keys and sends only the public JWK. The code is redeemed atomically: it works once, before it expires. Attempts are rate-limited per client address.",
  access: { public: true },
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: EnrolmentRequest } },
    },
  },
  responses: {
    201: {
      description: "Enrolled: the terminal's id and the number cards will carry",
      content: {
        "application/json": { schema: TerminalEnrolmentResponse.openapi("TerminalEnrolmentResponse") },
      },
    },
    ...problemResponses(400, 409, 410, 413, 415, 422, 429),
  },
});

export const enrolTerminal: RouteHandler<typeof enrolTerminalRoute, GrantsEnv> = async (c) => {
  await enforceRateLimit(c, c.env.ENROL_RATE_LIMITER, `enrol:${clientAddress(c)}`, "enrolment attempts");
  const request = c.req.valid("json");
  const code = normaliseEnrolmentCode(request.code);
  if (code === undefined) throw new TesseraError("enrolment_code_invalid", "That is not an enrolment code");
  const codeHash = await hashEnrolmentCode(code);
  const now = Math.floor(Date.now() / 1000);

  const codeRow = await enrolmentCodes(c.env.DB).byHash(codeHash);
  if (!codeRow) throw new TesseraError("enrolment_code_invalid", "No such enrolment code");
  if (codeRow.used_at !== null)
    throw new TesseraError("enrolment_code_used", "This enrolment code has already been used");
  if (codeRow.expires_at <= now)
    throw new TesseraError("enrolment_code_expired", "This enrolment code has expired; ask for a new one");

  const publicKey = { kty: "OKP" as const, crv: "Ed25519" as const, x: request.publicKey.x };
  const jkt = await jwkThumbprint(publicKey);
  const repo = terminals(c.env.DB);
  if (await repo.jktInUse(jkt))
    throw new TesseraError(
      "conflict",
      "This device key is already enrolled; a terminal generates a new key pair to enrol again",
    );

  const terminalId = newId("trm");
  const enrolled = await repo.enrol({
    codeHash,
    terminalId,
    publicKeyX: publicKey.x,
    jkt,
    softwareVersion: request.softwareVersion ?? null,
    at: now,
  });
  // Another enrolment redeemed the code between the read above and this transaction.
  if (!enrolled) throw new TesseraError("enrolment_code_used", "This enrolment code has already been used");

  // Recorded in D1 above; the audit copy must not decide whether a terminal that holds a redeemed code
  // gets its answer (the code cannot be used twice), so a failed append is logged, not returned.
  auditInBackground(c, "terminal.enrol", () =>
    c.var.audit(
      "terminal.enrol",
      `terminal:${terminalId}`,
      {
        terminalNumber: enrolled.number,
        role: enrolled.role,
        locationId: enrolled.location_id,
        name: enrolled.name,
        enrolmentCodeId: codeRow.id,
        jkt,
      },
      { kind: "terminal", id: terminalId, name: enrolled.name },
    ),
  );
  return c.json(
    TerminalEnrolmentResponse.parse({
      terminalId,
      terminalNumber: enrolled.number,
      role: enrolled.role,
      locationId: enrolled.location_id,
      name: enrolled.name,
    }),
    201,
  );
};
