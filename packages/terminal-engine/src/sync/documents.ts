/**
 * Keeps the policy and the catalog current with conditional GETs: the stored strong ETag goes out as
 * If-None-Match and a 304 costs nothing. Documents are stored whole and never replaced by an older version.
 */
import { CatalogDocument, PolicyDocument } from "@tessera/protocol";
import { PATHS } from "../backend/contract.ts";
import { grantCredentials, nowSeconds, type Runtime } from "../runtime.ts";
import { CURRENT } from "../storage/database.ts";
import type { DocumentRecord } from "../storage/records.ts";

async function fetchDocument<T extends PolicyDocument | CatalogDocument>(
  rt: Runtime,
  path: string,
  schema: { parse(value: unknown): T },
  held: DocumentRecord<T> | undefined,
): Promise<DocumentRecord<T> | undefined> {
  // The grant goes along when there is one, for Workers that serve documents to terminals only.
  const credentials = grantCredentials(rt);
  const response = await rt.client.send("policy", "GET", path, {
    ...(credentials ? { credentials, proof: true } : {}),
    headers: held?.etag ? { "if-none-match": held.etag } : {},
  });
  if (response.status === 304) return undefined;
  const document = schema.parse(await response.json());
  if (held && document.version < held.document.version) return undefined;
  return { document, etag: response.headers.get("etag"), fetchedAt: nowSeconds(rt) };
}

/** Resolves with whether a new policy was stored. */
export async function syncPolicy(rt: Runtime): Promise<boolean> {
  const next = await fetchDocument(rt, PATHS.policy, PolicyDocument, rt.policy);
  if (!next) return false;
  await rt.db.put("policy", next, CURRENT);
  rt.policy = next;
  rt.state.update({ policyVersion: next.document.version });
  return true;
}

export async function syncCatalog(rt: Runtime): Promise<boolean> {
  const next = await fetchDocument(rt, PATHS.catalog, CatalogDocument, rt.catalog);
  if (!next) return false;
  await rt.db.put("catalog", next, CURRENT);
  rt.catalog = next;
  rt.state.update({ catalogVersion: next.document.version });
  return true;
}
