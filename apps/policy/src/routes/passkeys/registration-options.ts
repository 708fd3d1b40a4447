/** `POST /v1/passkeys/registration-options`: WebAuthn creation options for the holder of an open invitation. */

import { generateRegistrationOptions } from "@simplewebauthn/server";
import { fromBase64Url, TesseraError, toBase64Url } from "@tessera/protocol";
import { createServiceRouter, hashSecret, problemResponses, secureRoute } from "@tessera/service-kit";
import { invitationRepository } from "../../db/invitations.ts";
import { peopleRepository } from "../../db/people.ts";
import { challengeRepository } from "../../db/webauthn-challenges.ts";
import type { PolicyEnv } from "../../env.ts";
import { limitPasskeyClient, limitPasskeyInvitation } from "../../identity/rate-limits.ts";
import { CEREMONY_TIMEOUT_MS, relyingParty } from "../../identity/webauthn.ts";
import { CeremonyOptions, RegistrationOptionsRequest } from "../../schemas/identity.ts";
import { refuseDemotingLastAdmin } from "./shared.ts";

const route = secureRoute({
  method: "post",
  path: "/passkeys/registration-options",
  // The invitation token is the credential here; it is checked in the handler.
  access: { public: true },
  middleware: [limitPasskeyClient("registration_options")],
  tags: ["Identity"],
  summary: "Start registering a passkey (invitee)",
  description:
    "Pass `options` to `startRegistration()` of @simplewebauthn/browser, then send the result to `POST /v1/passkeys`. Limited per client address and per invitation (429 with `Retry-After`).",
  request: {
    body: { required: true, content: { "application/json": { schema: RegistrationOptionsRequest } } },
  },
  responses: {
    200: {
      description: "Creation options and the challenge id",
      content: { "application/json": { schema: CeremonyOptions } },
    },
    ...problemResponses(400, 409, 422, 429),
  },
});

export const registrationOptions = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const now = new Date();
  const invitation = await invitationRepository(c.env.DB).findOpenByTokenHash(
    await hashSecret(c.req.valid("json").invitation),
    now.toISOString(),
  );
  if (!invitation)
    throw new TesseraError("invitation_invalid", "This invitation is unknown, used, withdrawn or expired");
  await limitPasskeyInvitation(c, "registration_options", invitation.id);
  const people = peopleRepository(c.env.DB);
  const existing = await people.findByEmail(invitation.email);
  await refuseDemotingLastAdmin(people, existing, invitation.role);
  const userId = existing?.webauthnUserId ?? toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const rp = relyingParty(c.env);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: invitation.email,
    userDisplayName: invitation.name,
    userID: new Uint8Array(fromBase64Url(userId)),
    attestationType: "none",
    // Discoverable and user-verified: sign-in needs no username and proves who holds the device.
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    excludeCredentials: existing ? (await people.passkeyIdsOf(existing.id)).map((id) => ({ id })) : [],
    timeout: CEREMONY_TIMEOUT_MS,
  });
  const challengeId = `chl_${crypto.randomUUID()}`;
  await challengeRepository(c.env.DB).insert(
    {
      id: challengeId,
      purpose: "registration",
      challenge: options.challenge,
      invitationId: invitation.id,
      webauthnUserId: userId,
      expiresAt: new Date(now.getTime() + CEREMONY_TIMEOUT_MS).toISOString(),
    },
    now.toISOString(),
  );
  return c.json(CeremonyOptions.parse({ challengeId, options }), 200);
});
