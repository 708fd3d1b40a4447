/** Who is calling: the principals every Worker recognises, and the credential records behind them. */
import { z } from "zod";
import type { TerminalPrincipal } from "../terminal-auth/terminal-auth.ts";
import { PersonRole, Scope } from "./roles.ts";

/** How a person proved who they are on this request. */
export const PERSON_CREDENTIALS = ["session", "token", "access"] as const;

/** A person signed in to the console (passkey session), using an admin bearer token, or via Cloudflare Access. */
export interface UserPrincipal {
  kind: "user";
  /** The person's id in the policy Worker's database. */
  id: string;
  name: string;
  role: PersonRole;
  via: (typeof PERSON_CREDENTIALS)[number];
  /** The session or token id, so "sign out" and "revoke" know what to end; null for Access. */
  credentialId: string | null;
}

/** Another service calling with an API key; it may do exactly what its scopes say. */
export interface ServicePrincipal {
  kind: "service";
  /** The API key's id. */
  id: string;
  name: string;
  scopes: Scope[];
  credentialId: string;
}

/** The deployment secret `BOOTSTRAP_ADMIN_TOKEN`: an admin that exists before any person does. */
export interface BootstrapPrincipal {
  kind: "bootstrap";
  id: "bootstrap";
  name: "bootstrap admin";
  role: "admin";
}

/** A terminal is `TerminalPrincipal` from terminal-auth: set by its middleware, never from a secret. */
export type Principal = UserPrincipal | ServicePrincipal | BootstrapPrincipal | TerminalPrincipal;

export const BOOTSTRAP_PRINCIPAL: BootstrapPrincipal = {
  kind: "bootstrap",
  id: "bootstrap",
  name: "bootstrap admin",
  role: "admin",
};

/** The principal a credential stands for, as mirrored into AUTH_KV by the policy Worker. */
export const StoredPrincipal = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), id: z.string().min(1), name: z.string(), role: PersonRole }),
  z.object({ kind: z.literal("service"), id: z.string().min(1), name: z.string(), scopes: z.array(Scope) }),
]);
export type StoredPrincipal = z.infer<typeof StoredPrincipal>;

/**
 * The kinds of credential mirrored into AUTH_KV. Each is accepted only where it belongs: sessions
 * from the cookie, tokens and keys from `Authorization: Bearer`, so a leaked cookie value is no bearer token.
 */
export const CREDENTIAL_KINDS = ["session", "admin_token", "api_key"] as const;
export const CredentialKind = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** The value stored in AUTH_KV under `cred:<sha256-hex of the secret>`. */
export const CredentialRecord = z.object({
  /** Id of the session, token or key row in the policy Worker's database. */
  id: z.string().min(1),
  credential: CredentialKind,
  principal: StoredPrincipal,
  /** When the credential stops working, whatever KV still holds; null for keys without expiry. */
  expiresAt: z.iso.datetime().nullable(),
});
export type CredentialRecord = z.infer<typeof CredentialRecord>;

/** The value stored under `access:<email>`: the person a Cloudflare Access identity signs in as. */
export const AccessIdentityRecord = z.object({
  principal: StoredPrincipal.options[0],
});
export type AccessIdentityRecord = z.infer<typeof AccessIdentityRecord>;

/** A short, log-safe description of who acted, for audit entries and logs. */
export function describePrincipal(principal: Principal): {
  kind: Principal["kind"];
  id: string;
  name?: string;
} {
  switch (principal.kind) {
    case "terminal":
      return { kind: "terminal", id: principal.terminalId };
    case "bootstrap":
      return { kind: "bootstrap", id: principal.id, name: principal.name };
    default:
      return { kind: principal.kind, id: principal.id, name: principal.name };
  }
}
