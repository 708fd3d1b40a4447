/** Who may do what: the person roles, their order, and the scopes a service API key can carry. */
import { z } from "zod";

/**
 * Person roles, strongest first. Each role may do everything the ones after it may:
 * admin (everything) ⊃ operator (terminals, cards, deny list, flags) ⊃ auditor (read only).
 */
export const PERSON_ROLES = ["admin", "operator", "auditor"] as const;
export const PersonRole = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof PersonRole>;

const ROLE_RANK: Record<PersonRole, number> = { admin: 3, operator: 2, auditor: 1 };

/** True when `held` is `required` or a stronger role. */
export function roleCovers(held: PersonRole, required: PersonRole): boolean {
  return ROLE_RANK[held] >= ROLE_RANK[required];
}

/** The weakest of a route's roles: the bar a person must clear. */
export function weakestRole(roles: readonly PersonRole[]): PersonRole | undefined {
  return [...roles].sort((a, b) => ROLE_RANK[a] - ROLE_RANK[b])[0];
}

/**
 * What a service API key may be allowed to do. Keys carry explicit scopes and nothing is implied:
 * `policy:write` does not grant `policy:read`. Scopes are only ever added, never renamed.
 */
export const SCOPES = [
  "policy:read",
  "policy:write",
  "catalog:write",
  "grants:validate",
  "terminals:read",
  "terminals:write",
  "cards:read",
  "cards:write",
  "deny-list:read",
  "deny-list:write",
  "events:write",
  "ledger:read",
  "flags:read",
  "flags:write",
  "reports:read",
  "keys:read",
  "keys:write",
  "audit:read",
] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;
