// What each console role may do, mirroring the Workers' rule that a role includes every role below it.
// The UI hides what the role cannot do; the Workers refuse it regardless.

export const ROLES = ["auditor", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` includes `required` (admin ⊇ operator ⊇ auditor). */
export function hasRole(role: Role | null | undefined, required: Role): boolean {
  if (!role) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The role each console action needs, in one place so pages and tests agree. */
export const ACTION_ROLE = {
  "terminals.enrol": "operator",
  "terminals.changeStatus": "operator",
  "cards.block": "operator",
  "cards.authoriseTopup": "operator",
  "denyList.change": "operator",
  "flags.resolve": "operator",
  "policy.edit": "admin",
  "catalog.edit": "admin",
  "keys.rotate": "admin",
  "people.invite": "admin",
} as const satisfies Record<string, Role>;
export type ConsoleAction = keyof typeof ACTION_ROLE;

export function can(role: Role | null | undefined, action: ConsoleAction): boolean {
  return hasRole(role, ACTION_ROLE[action]);
}
