/**
 * POLICY_KV as a named cache of published documents: the exact JSON served with its ETag, for the
 * current version of each kind and for every version ever requested. Each value is one header line
 * (`<etag> <version>`) followed by the response body, so serving a fetch is one plain KV read and a
 * string split: no JSON parsing, and no metadata read (which measured markedly slower in workerd).
 */
import type { DocumentKindName } from "../documents/kinds.ts";

export interface CachedDocument {
  body: string;
  etag: string;
  version: number;
}

const HEADER = /^("[A-Za-z0-9_-]{1,64}") ([1-9][0-9]{0,9})$/;

/** The KV value of a document: its header line, then the body served. */
export function encodeCachedDocument(document: CachedDocument): string {
  return `${document.etag} ${document.version}\n${document.body}`;
}

/** The document in a KV value, or null when the value is not one (treated as a miss and rewritten). */
export function decodeCachedDocument(value: string): CachedDocument | null {
  const newline = value.indexOf("\n");
  if (newline < 0) return null;
  const header = HEADER.exec(value.slice(0, newline));
  if (!header) return null;
  return { etag: header[1]!, version: Number(header[2]), body: value.slice(newline + 1) };
}

/**
 * The current document changes only on publish, and publishing writes it here at once; 30 s (KV's
 * smallest edge cache) bounds how long another colo may keep serving the previous version after
 * KV's own propagation. Terminals revalidate with If-None-Match, so a stale read costs one more 304 cycle.
 */
export const CURRENT_CACHE_TTL_SECONDS = 30;
/** Published versions never change, so the edge may keep them as long as KV allows. */
export const VERSION_CACHE_TTL_SECONDS = 24 * 3600;

export const currentKey = (kind: DocumentKindName) => `${kind}:current`;
export const versionKey = (kind: DocumentKindName, version: number) => `${kind}:v:${version}`;

async function read(kv: KVNamespace, key: string, cacheTtl: number): Promise<CachedDocument | null> {
  const value = await kv.get(key, { type: "text", cacheTtl });
  return value === null ? null : decodeCachedDocument(value);
}

async function write(kv: KVNamespace, key: string, document: CachedDocument): Promise<void> {
  await kv.put(key, encodeCachedDocument(document));
}

export function documentCache(kv: KVNamespace, kind: DocumentKindName) {
  return {
    current: () => read(kv, currentKey(kind), CURRENT_CACHE_TTL_SECONDS),
    version: (version: number) => read(kv, versionKey(kind, version), VERSION_CACHE_TTL_SECONDS),
    /** Writes a version and, when it is the newest, the current entry too. */
    async store(document: CachedDocument, asCurrent: boolean): Promise<void> {
      await Promise.all([
        write(kv, versionKey(kind, document.version), document),
        asCurrent ? write(kv, currentKey(kind), document) : undefined,
      ]);
    },
  };
}
export type DocumentCache = ReturnType<typeof documentCache>;
