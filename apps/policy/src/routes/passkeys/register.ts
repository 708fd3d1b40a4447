/** `POST /v1/passkeys`: verifies the invitee's new passkey, creates the person and signs them in. */
import { verifyRegistrationResponse } from "@simplewebauthn/server";
import { TesseraError, toBase64Url } from "@tessera/protocol";
import {
  createServiceRouter,
  credentialCache,
  hashSecret,
  problemResponses,
  secureRoute,
} from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import { credentialRepository } from "../../db/credentials.ts";
import { invitationRepository } from "../../db/invitations.ts";
import { peopleRepository } from "../../db/people.ts";
import { challengeRepository } from "../../db/webauthn-challenges.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";
import { limitPasskeyClient, limitPasskeyInvitation } from "../../identity/rate-limits.ts";
import { startSession } from "../../identity/sessions.ts";
import { relyingParty } from "../../identity/webauthn.ts";
import { Me, RegisterPasskey } from "../../schemas/identity.ts";
import { refuseDemotingLastAdmin } from "./shared.ts";

const route = secureRoute({
  method: "post",
  path: "/passkeys",
  // The invitation token and the answered challenge are the credential here; both are checked below.
  access: { public: true },
  middleware: [limitPasskeyClient("registration")],
  tags: ["Identity"],
  summary: "Finish registering a passkey (invitee); signs in",
  description:
    "Sets the session cookie (Secure, HttpOnly, SameSite=Strict). Audited as the invitee joining. Limited per client address and per invitation (429 with `Retry-After`).",
  request: { body: { required: true, content: { "application/json": { schema: RegisterPasskey } } } },
  responses: {
    201: { description: "Registered and signed in", content: { "application/json": { schema: Me } } },
    ...problemResponses(400, 401, 409, 422, 429, 503),
  },
});

export const registerPasskey = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const now = new Date().toISOString();
  const invitations = invitationRepository(c.env.DB);
  const invitation = await invitations.findOpenByTokenHash(await hashSecret(body.invitation), now);
  if (!invitation)
    throw new TesseraError("invitation_invalid", "This invitation is unknown, used, withdrawn or expired");
  await limitPasskeyInvitation(c, "registration", invitation.id);
  const people = peopleRepository(c.env.DB);
  await refuseDemotingLastAdmin(people, await people.findByEmail(invitation.email), invitation.role);
  const challenge = await challengeRepository(c.env.DB).consume(body.challengeId, "registration", now);
  if (!challenge || challenge.invitationId !== invitation.id || !challenge.webauthnUserId)
    throw new TesseraError("webauthn_failed", "The challenge is unknown, used or expired; start again");

  const rp = relyingParty(c.env);
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: body.response as unknown as Parameters<typeof verifyRegistrationResponse>[0]["response"],
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (error) {
    throw new TesseraError(
      "webauthn_failed",
      `The passkey could not be verified: ${(error as Error).message}`,
    );
  }
  if (!verification.verified) throw new TesseraError("webauthn_failed", "The passkey could not be verified");
  const { credential } = verification.registrationInfo;

  const existing = await people.findByEmail(invitation.email);
  const personId = existing?.id ?? `per_${crypto.randomUUID()}`;
  const actor = { kind: "user" as const, id: personId, name: invitation.name };
  await auditFirst(() =>
    c.var.audit(
      "invitation.accept",
      `invitation:${invitation.id}`,
      { email: invitation.email, role: invitation.role, passkey: credential.id, newPerson: !existing },
      actor,
    ),
  );
  const accepted = await people.acceptInvitation({
    person: {
      id: personId,
      email: invitation.email,
      name: invitation.name,
      role: invitation.role,
      webauthnUserId: existing?.webauthnUserId ?? challenge.webauthnUserId,
      createdAt: existing?.createdAt ?? now,
    },
    passkey: {
      id: credential.id,
      personId,
      publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
    },
    invitationId: invitation.id,
    at: now,
  });
  if (!accepted) {
    // Refused as it was written: the invitation was used or withdrawn meanwhile, or the person became the
    // last active admin meanwhile.
    await refuseDemotingLastAdmin(people, await people.findByEmail(invitation.email), invitation.role);
    throw new TesseraError("invitation_invalid", "This invitation was used or withdrawn meanwhile");
  }
  const person = await people.findByEmail(invitation.email);
  if (!person) throw new Error("the person just created is missing");
  if (existing && existing.role !== person.role) {
    // The invitation changed an existing person's role: as with a role change by an admin, their sessions end
    // and their admin tokens stronger than the new role are revoked, so none keeps the old role's powers.
    const revoked = await credentialRepository(c.env.DB).revokeForPerson(person.id, now, person.role);
    await credentialStore(c.env).unmirror(revoked);
  }
  // Cloudflare Access (when configured) signs this email in as this person.
  await credentialCache(c.env.AUTH_KV).putAccessIdentity(person.email, {
    principal: { kind: "user", id: person.id, name: person.name, role: person.role },
  });
  await startSession(c, { env: c.env, audit: c.var.audit }, person, "passkey registration");
  return c.json(
    Me.parse({ kind: "user", id: person.id, name: person.name, role: person.role, via: "session" }),
    201,
  );
});
