/** `POST /v1/sessions/options`: a WebAuthn challenge for signing in with any registered passkey. */
import { generateAuthenticationOptions } from "@simplewebauthn/server";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { challengeRepository } from "../../db/webauthn-challenges.ts";
import type { PolicyEnv } from "../../env.ts";
import { limitPasskeyClient } from "../../identity/rate-limits.ts";
import { CEREMONY_TIMEOUT_MS, relyingParty } from "../../identity/webauthn.ts";
import { CeremonyOptions } from "../../schemas/identity.ts";

const route = secureRoute({
  method: "post",
  path: "/sessions/options",
  access: { public: true },
  middleware: [limitPasskeyClient("sign_in_options")],
  tags: ["Identity"],
  summary: "Start a passkey sign-in",
  description:
    "Pass `options` to `startAuthentication()` of @simplewebauthn/browser, then send the result to `POST /v1/sessions`. Limited per client address (429 with `Retry-After`).",
  responses: {
    200: {
      description: "Request options and the challenge id",
      content: { "application/json": { schema: CeremonyOptions } },
    },
    ...problemResponses(429),
  },
});

export const signInOptions = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const now = new Date();
  // No allowCredentials: passkeys are discoverable, so the authenticator offers the person's own.
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(c.env).id,
    userVerification: "required",
    timeout: CEREMONY_TIMEOUT_MS,
  });
  const challengeId = `chl_${crypto.randomUUID()}`;
  await challengeRepository(c.env.DB).insert(
    {
      id: challengeId,
      purpose: "authentication",
      challenge: options.challenge,
      invitationId: null,
      webauthnUserId: null,
      expiresAt: new Date(now.getTime() + CEREMONY_TIMEOUT_MS).toISOString(),
    },
    now.toISOString(),
  );
  return c.json(CeremonyOptions.parse({ challengeId, options }), 200);
});
