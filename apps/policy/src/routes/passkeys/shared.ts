/** What both registration steps check of an invitation beyond its token. */
import { TesseraError } from "@tessera/protocol";
import type { PersonRole } from "@tessera/service-kit";
import type { PersonRow, peopleRepository } from "../../db/people.ts";

/**
 * Accepting an invitation gives an existing person the invitation's role, so the last active admin
 * accepting one with a weaker role would leave no admin: refused, before any challenge or passkey.
 */
export async function refuseDemotingLastAdmin(
  people: ReturnType<typeof peopleRepository>,
  existing: PersonRow | null,
  role: PersonRole,
): Promise<void> {
  if (role === "admin" || !existing || !(await people.isLastActiveAdmin(existing))) return;
  throw new TesseraError(
    "last_admin",
    `This invitation would make ${existing.name}, the last active admin, ${role === "operator" ? "an operator" : "an auditor"}; make someone else an admin first, or ask for an admin invitation`,
  );
}
