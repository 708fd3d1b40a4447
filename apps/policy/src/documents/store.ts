/**
 * Published documents of one kind, wired to D1 (the source of truth) and KV (the read path):
 * cached reads that fall back to D1 and repair KV, the first-read seed of version 1, and publishing.
 */
import { type PolicyChange, PolicyDraft, TesseraError } from "@tessera/protocol";
import type { AuditActor, AuditFn } from "@tessera/service-kit";
import { auditOrUndo } from "../audit.ts";
import { type CachedDocument, documentCache } from "../cache/document-cache.ts";
import { documentRepository, type StoredVersion } from "../db/documents.ts";
import { CATALOG, type DocumentKind, POLICY, type RuleContext } from "./kinds.ts";
import { changesBetween, contentOf, publishedForm } from "./lifecycle.ts";

/** Who "published" version 1 of a fresh deployment. */
export const DEFAULT_PUBLISHER: AuditActor = { kind: "system", id: "default", name: "Tessera defaults" };

interface StoreBindings {
  DB: D1Database;
  POLICY_KV: KVNamespace;
}

export interface PublishRequest {
  content: Record<string, unknown>;
  actor: AuditActor;
  audit: AuditFn;
  note?: string;
  baseVersion?: number;
  /** The draft being published, marked published in the same transaction. */
  draftId?: string;
  /** For a rollback: the version whose content is re-published. */
  restoredFrom?: number;
  /**
   * Runs against the content it is about to replace, after the version checks and before anything is
   * written: throws to refuse the publish, or returns what the audit entry records of its check (`fleet`).
   */
  guard?: (current: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;
}

export interface Published {
  version: StoredVersion;
  changes: PolicyChange[];
}

const cachedOf = (stored: StoredVersion): CachedDocument => ({
  body: stored.body,
  etag: stored.etag,
  version: stored.version,
});

export function publishedDocuments(env: StoreBindings, kind: DocumentKind) {
  const repo = documentRepository(env.DB, kind.name);
  const cache = documentCache(env.POLICY_KV, kind.name);

  /** The newest version in D1; a fresh deployment gets the protocol's default as version 1 here. */
  async function latest(): Promise<StoredVersion> {
    const found = await repo.latest();
    if (found) return found;
    const form = await publishedForm(kind, kind.defaultDraft, 1, new Date().toISOString());
    // Two first reads may race; the loser's insert does nothing and both read the winner's row.
    await repo.insertVersion({
      ...form,
      publishedBy: DEFAULT_PUBLISHER,
      restoredFrom: null,
      note: "Default",
    });
    const seeded = await repo.latest();
    if (!seeded) throw new Error(`${kind.name} version 1 could not be seeded`);
    return seeded;
  }

  return {
    repo,
    latest,

    /** The current document: one KV read; on a miss, D1's newest version, written back to KV. */
    async current(): Promise<CachedDocument> {
      const cached = await cache.current();
      if (cached) return cached;
      const stored = cachedOf(await latest());
      await cache.store(stored, true);
      console.warn(
        JSON.stringify({
          level: "warn",
          event: "document_cache_repaired",
          kind: kind.name,
          version: stored.version,
        }),
      );
      return stored;
    },

    /** A published version, or null; immutable, so a KV copy is always good. */
    async version(version: number): Promise<CachedDocument | null> {
      const cached = await cache.version(version);
      if (cached) return cached;
      if (version === 1) await latest(); // version 1 may not be seeded yet
      const stored = await repo.version(version);
      if (!stored) return null;
      await cache.store(cachedOf(stored), false);
      return cachedOf(stored);
    },

    /** The current content (without version and publication time), for diffs and rule checks. */
    async currentContent(): Promise<{ version: number; content: Record<string, unknown> }> {
      const stored = await latest();
      return {
        version: stored.version,
        content: contentOf(JSON.parse(stored.body) as Record<string, unknown>),
      };
    },

    /**
     * Publishes `content` as the next version. The version row is written first, then the audit entry;
     * if the audit log cannot take it the row is deleted again before KV ever served it, so nothing is
     * published unaudited. KV's current entry is written last.
     */
    async publish(request: PublishRequest): Promise<Published> {
      const current = await latest();
      if (request.baseVersion !== undefined && request.baseVersion !== current.version)
        throw new TesseraError(
          "conflict",
          `Version ${current.version} was published after version ${request.baseVersion}; review the diff and retry`,
        );
      const changes = changesBetween(JSON.parse(current.body) as Record<string, unknown>, request.content);
      if (changes.length === 0)
        throw new TesseraError(
          "conflict",
          `This is identical to the current version ${current.version}; nothing to publish`,
        );

      const fleet = await request.guard?.(contentOf(JSON.parse(current.body) as Record<string, unknown>));

      const form = await publishedForm(kind, request.content, current.version + 1, new Date().toISOString());
      const next: StoredVersion = {
        ...form,
        publishedBy: request.actor,
        restoredFrom: request.restoredFrom ?? null,
        note: request.note ?? null,
      };
      if (!(await repo.insertVersion(next, request.draftId)))
        throw new TesseraError(
          "conflict",
          "Another version was published at the same moment; review the diff and retry",
        );

      const action = request.restoredFrom === undefined ? "publish" : "rollback";
      await auditOrUndo(
        () =>
          request.audit(`${kind.name}.${action}`, `${kind.name}:${next.version}`, {
            version: next.version,
            previousVersion: current.version,
            restoredFrom: next.restoredFrom,
            etag: next.etag,
            note: next.note,
            changes,
            ...(fleet ? { fleet } : {}),
          }),
        () => repo.deleteVersion(next.version, next.etag),
      );
      await cache.store(cachedOf(next), true);
      return { version: next, changes };
    },
  };
}
export type PublishedDocuments = ReturnType<typeof publishedDocuments>;

/** The rule context of any kind: the catalog's rules read the policy in force. */
export function ruleContext(env: StoreBindings): RuleContext {
  return {
    async currentPolicy() {
      const { content } = await publishedDocuments(env, POLICY).currentContent();
      return PolicyDraft.parse(content);
    },
  };
}

export const DOCUMENT_KINDS = [POLICY, CATALOG] as const;
