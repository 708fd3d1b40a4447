/** Who acted, as a short string for D1 columns (`added_by`, `created_by`); the audit log keeps the full actor. */
import { actorOf, type Principal } from "@tessera/service-kit";
import type { Context } from "hono";

export function actorName(c: Context): string {
  const principal = c.get("principal") as Principal | null | undefined;
  const actor = actorOf(principal);
  return `${actor.kind}:${actor.id}`;
}
