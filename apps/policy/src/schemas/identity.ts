/** API shapes of people, invitations, sessions, admin tokens and API keys. */
import { z } from "@hono/zod-openapi";
import { PersonRole, Scope } from "@tessera/service-kit";
import { Actor } from "./documents.ts";

export const Role = PersonRole.openapi("PersonRole", { description: "admin ⊃ operator ⊃ auditor" });
export const ScopeName = Scope.openapi("Scope");

const Name = z.string().trim().min(1).max(120);
const Email = z.email().max(254);

/** A secret as shown once, at creation. */
const Secret = z.string().openapi({ description: "Shown once; store it now, it cannot be read again" });

export const ApiKey = z
  .object({
    id: z.string(),
    name: Name,
    scopes: z.array(ScopeName),
    hint: z.string().describe("The first characters of the key, to tell keys apart"),
    createdAt: z.iso.datetime(),
    createdBy: Actor,
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiKey");
export const ApiKeyList = z.object({ apiKeys: z.array(ApiKey) }).openapi("ApiKeyList");
export const CreatedApiKey = ApiKey.extend({ secret: Secret }).openapi("CreatedApiKey");
export const CreateApiKey = z
  .object({
    name: Name.openapi({ example: "Ticketing sync" }),
    scopes: z.array(ScopeName).min(1).max(32),
    expiresAt: z.iso.datetime().optional().describe("Leave out for a key that lives until revoked"),
  })
  .openapi("CreateApiKey");

export const AdminToken = z
  .object({
    id: z.string(),
    name: Name,
    role: Role,
    hint: z.string(),
    createdAt: z.iso.datetime(),
    createdBy: Actor,
    expiresAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("AdminToken");
export const AdminTokenList = z.object({ adminTokens: z.array(AdminToken) }).openapi("AdminTokenList");
export const CreatedAdminToken = AdminToken.extend({ secret: Secret }).openapi("CreatedAdminToken");
export const CreateAdminToken = z
  .object({
    name: Name.openapi({ example: "Nightly export" }),
    role: Role,
    expiresInDays: z.int().min(1).max(365).default(90),
  })
  .openapi("CreateAdminToken");

export const Invitation = z
  .object({
    id: z.string(),
    email: Email,
    name: Name,
    role: Role,
    createdAt: z.iso.datetime(),
    createdBy: Actor,
    expiresAt: z.iso.datetime(),
    acceptedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("Invitation");
export const InvitationList = z.object({ invitations: z.array(Invitation) }).openapi("InvitationList");
export const CreatedInvitation = Invitation.extend({
  token: Secret.describe("Send this to the invitee (e.g. as a link to the console); shown once"),
}).openapi("CreatedInvitation");
export const CreateInvitation = z
  .object({
    email: Email.openapi({ example: "ada@example.org" }),
    name: Name.openapi({ example: "Ada Lovelace" }),
    role: Role,
    expiresInHours: z
      .int()
      .min(1)
      .max(14 * 24)
      .default(72),
  })
  .openapi("CreateInvitation");

export const Person = z
  .object({
    id: z.string(),
    email: Email,
    name: Name,
    role: Role,
    createdAt: z.iso.datetime(),
    disabledAt: z.iso.datetime().nullable(),
    passkeys: z.int().nonnegative().describe("How many passkeys the person has registered"),
  })
  .openapi("Person");
export const PersonList = z.object({ people: z.array(Person) }).openapi("PersonList");
export const UpdatePerson = z
  .object({
    role: Role.optional(),
    disabled: z
      .boolean()
      .optional()
      .describe("true signs the person out everywhere and revokes their tokens"),
  })
  .refine((body) => body.role !== undefined || body.disabled !== undefined, "change the role or disabled")
  .openapi("UpdatePerson");

export const Session = z
  .object({
    id: z.string(),
    personId: z.string(),
    name: z.string(),
    role: Role,
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .openapi("Session");
export const SessionList = z.object({ sessions: z.array(Session) }).openapi("SessionList");

export const Me = z
  .object({
    kind: z.enum(["user", "service", "bootstrap"]),
    id: z.string(),
    name: z.string(),
    role: Role.optional(),
    scopes: z.array(ScopeName).optional(),
    via: z.enum(["session", "token", "access"]).optional().describe("How a person signed in"),
  })
  .openapi("Me");

/** WebAuthn options as SimpleWebAuthn produces them (PublicKeyCredential*OptionsJSON). */
const WebAuthnOptions = z
  .record(z.string(), z.unknown())
  .openapi({ description: "Pass to @simplewebauthn/browser" });
/** A WebAuthn response as @simplewebauthn/browser returns it. */
const WebAuthnResponse = z
  .looseObject({
    id: z.string().min(1).max(1024),
    rawId: z.string(),
    type: z.literal("public-key"),
    response: z.record(z.string(), z.unknown()),
  })
  .openapi({ description: "The JSON @simplewebauthn/browser returns" });

export const CeremonyOptions = z
  .object({
    challengeId: z.string().describe("Send back with the authenticator's response"),
    options: WebAuthnOptions,
  })
  .openapi("CeremonyOptions");

export const RegistrationOptionsRequest = z
  .object({ invitation: z.string().min(16).max(200) })
  .openapi("RegistrationOptionsRequest");
export const RegisterPasskey = z
  .object({
    invitation: z.string().min(16).max(200),
    challengeId: z.string().min(1).max(100),
    response: WebAuthnResponse,
  })
  .openapi("RegisterPasskey");
export const SignIn = z
  .object({ challengeId: z.string().min(1).max(100), response: WebAuthnResponse })
  .openapi("SignIn");

export const IdParam = (name: string) =>
  z.object({
    [name]: z
      .string()
      .min(1)
      .max(100)
      .openapi({ param: { name, in: "path" } }),
  });
