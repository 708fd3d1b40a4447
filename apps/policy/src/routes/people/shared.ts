/** People's response shape, built from their row. */
import type { PersonRow } from "../../db/people.ts";
import { Person } from "../../schemas/identity.ts";

export function personResponse(row: PersonRow) {
  return Person.parse({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
    passkeys: row.passkeys,
  });
}
