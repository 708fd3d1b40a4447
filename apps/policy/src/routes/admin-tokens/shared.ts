/** Admin bearer tokens' response shape, built from their credential row. */
import type { CredentialRow } from "../../db/credentials.ts";
import { AdminToken } from "../../schemas/identity.ts";

export function adminTokenResponse(row: CredentialRow) {
  return AdminToken.parse({
    id: row.id,
    name: row.name,
    role: row.role,
    hint: row.hint,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  });
}
