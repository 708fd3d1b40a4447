/** API keys' response shape, built from their credential row. */
import type { CredentialRow } from "../../db/credentials.ts";
import { ApiKey } from "../../schemas/identity.ts";

export function apiKeyResponse(row: CredentialRow) {
  return ApiKey.parse({
    id: row.id,
    name: row.name,
    scopes: row.scopes ?? [],
    hint: row.hint,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  });
}
