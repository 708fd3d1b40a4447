/** `POST /v1/sessions`: verifies a passkey assertion and starts a console session (cookie). */
import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { fromBase64Url, TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { peopleRepository } from "../../db/people.ts";
import { challengeRepository } from "../../db/webauthn-challenges.ts";
import type { PolicyEnv } from "../../env.ts";
import { limitPasskeyClient } from "../../identity/rate-limits.ts";
import { startSession } from "../../identity/sessions.ts";
import { relyingParty } from "../../identity/webauthn.ts";
import { Me, SignIn } from "../../schemas/identity.ts";

const route = secureRoute({
  method: "post",
  path: "/sessions",
  // The passkey assertion over a fresh challenge is the credential here.
  access: { public: true },
  middleware: [limitPasskeyClient("sign_in")],
  tags: ["Identity"],
  summary: "Sign in with a passkey",
  description:
    "Sets the session cookie (Secure, HttpOnly, SameSite=Strict; 8 hours). Audited. Limited per client address (429 with `Retry-After`).",
  request: { body: { required: true, content: { "application/json": { schema: SignIn } } } },
  responses: {
    201: { description: "Signed in", content: { "application/json": { schema: Me } } },
    ...problemResponses(401, 422, 429, 503),
  },
});

/** One answer for every failure, so a caller cannot probe which passkeys or people exist. */
const refused = () => new TesseraError("webauthn_failed", "The passkey was not accepted; try again");

export const signIn = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const now = new Date().toISOString();
  const challenge = await challengeRepository(c.env.DB).consume(body.challengeId, "authentication", now);
  if (!challenge) throw refused();
  const people = peopleRepository(c.env.DB);
  const passkey = await people.passkey(body.response.id);
  if (!passkey) throw refused();
  const person = await people.find(passkey.personId);
  if (!person || person.disabledAt !== null) throw refused();

  const rp = relyingParty(c.env);
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response: body.response as unknown as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(fromBase64Url(passkey.publicKey)),
        counter: passkey.counter,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", event: "passkey_rejected", error: String(error) }));
    throw refused();
  }
  if (!verification.verified) throw refused();
  await people.recordPasskeyUse(passkey.id, verification.authenticationInfo.newCounter, now);
  await startSession(c, { env: c.env, audit: c.var.audit }, person, "passkey");
  return c.json(
    Me.parse({ kind: "user", id: person.id, name: person.name, role: person.role, via: "session" }),
    201,
  );
});
