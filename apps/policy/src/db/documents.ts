/** D1 repository for published document versions and drafts (tables document_versions, document_drafts). */
import type { AuditActor } from "@tessera/service-kit";
import { z } from "zod";
import type { DocumentKindName } from "../documents/kinds.ts";

const VersionRow = z.object({
  version: z.number().int(),
  body: z.string(),
  etag: z.string(),
  published_at: z.string(),
  published_by: z.string(),
  restored_from: z.number().int().nullable(),
  note: z.string().nullable(),
});

export interface StoredVersion {
  version: number;
  body: string;
  etag: string;
  publishedAt: string;
  publishedBy: AuditActor;
  restoredFrom: number | null;
  note: string | null;
}

function toVersion(row: unknown): StoredVersion {
  const parsed = VersionRow.parse(row);
  return {
    version: parsed.version,
    body: parsed.body,
    etag: parsed.etag,
    publishedAt: parsed.published_at,
    publishedBy: JSON.parse(parsed.published_by) as AuditActor,
    restoredFrom: parsed.restored_from,
    note: parsed.note,
  };
}

const DraftRow = z.object({
  id: z.string(),
  kind: z.enum(["policy", "catalog"]),
  body: z.string(),
  based_on: z.number().int().nullable(),
  note: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  published_version: z.number().int().nullable(),
});

export interface StoredDraft {
  id: string;
  kind: DocumentKindName;
  content: Record<string, unknown>;
  basedOn: number | null;
  note: string | null;
  createdBy: AuditActor;
  createdAt: string;
  updatedAt: string;
  publishedVersion: number | null;
}

function toDraft(row: unknown): StoredDraft {
  const parsed = DraftRow.parse(row);
  return {
    id: parsed.id,
    kind: parsed.kind,
    content: JSON.parse(parsed.body) as Record<string, unknown>,
    basedOn: parsed.based_on,
    note: parsed.note,
    createdBy: JSON.parse(parsed.created_by) as AuditActor,
    createdAt: parsed.created_at,
    updatedAt: parsed.updated_at,
    publishedVersion: parsed.published_version,
  };
}

const VERSION_COLUMNS = "version, body, etag, published_at, published_by, restored_from, note";
const DRAFT_COLUMNS = "id, kind, body, based_on, note, created_by, created_at, updated_at, published_version";

export interface NewVersion {
  version: number;
  body: string;
  etag: string;
  publishedAt: string;
  publishedBy: AuditActor;
  restoredFrom: number | null;
  note: string | null;
}

export function documentRepository(db: D1Database, kind: DocumentKindName) {
  return {
    async latest(): Promise<StoredVersion | null> {
      const row = await db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM document_versions WHERE kind = ? ORDER BY version DESC LIMIT 1`,
        )
        .bind(kind)
        .first();
      return row ? toVersion(row) : null;
    },

    async version(version: number): Promise<StoredVersion | null> {
      const row = await db
        .prepare(`SELECT ${VERSION_COLUMNS} FROM document_versions WHERE kind = ? AND version = ?`)
        .bind(kind, version)
        .first();
      return row ? toVersion(row) : null;
    },

    /** Newest first; bodies are left out (a history page needs only the summaries). */
    async history(limit: number): Promise<StoredVersion[]> {
      const { results } = await db
        .prepare(
          `SELECT version, '' AS body, etag, published_at, published_by, restored_from, note
           FROM document_versions WHERE kind = ? ORDER BY version DESC LIMIT ?`,
        )
        .bind(kind, limit)
        .all();
      return results.map(toVersion);
    },

    /**
     * Inserts a version; false when that version number is already taken (a concurrent publish or the
     * first-read seed of another request), so the caller can tell a lost race from a failure.
     */
    async insertVersion(next: NewVersion, publishedDraftId?: string): Promise<boolean> {
      const insert = db
        .prepare(
          `INSERT INTO document_versions (kind, ${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, version) DO NOTHING`,
        )
        .bind(
          kind,
          next.version,
          next.body,
          next.etag,
          next.publishedAt,
          JSON.stringify(next.publishedBy),
          next.restoredFrom,
          next.note,
        );
      const statements = [insert];
      if (publishedDraftId)
        statements.push(
          db
            .prepare(
              `UPDATE document_drafts SET published_version = ?, updated_at = ?
               WHERE id = ? AND kind = ? AND published_version IS NULL
                 AND EXISTS (SELECT 1 FROM document_versions WHERE kind = ? AND version = ? AND etag = ?)`,
            )
            .bind(next.version, next.publishedAt, publishedDraftId, kind, kind, next.version, next.etag),
        );
      const [inserted] = await db.batch(statements);
      return (inserted?.meta.changes ?? 0) > 0;
    },

    /** Only to undo a publish whose audit entry could not be written, before KV ever saw it. */
    async deleteVersion(version: number, etag: string): Promise<void> {
      await db.batch([
        db
          .prepare(
            "UPDATE document_drafts SET published_version = NULL WHERE kind = ? AND published_version = ?",
          )
          .bind(kind, version),
        db
          .prepare("DELETE FROM document_versions WHERE kind = ? AND version = ? AND etag = ?")
          .bind(kind, version, etag),
      ]);
    },

    async insertDraft(draft: StoredDraft): Promise<void> {
      await db
        .prepare(`INSERT INTO document_drafts (${DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .bind(
          draft.id,
          kind,
          JSON.stringify(draft.content),
          draft.basedOn,
          draft.note,
          JSON.stringify(draft.createdBy),
          draft.createdAt,
          draft.updatedAt,
          null,
        )
        .run();
    },

    async draft(id: string): Promise<StoredDraft | null> {
      const row = await db
        .prepare(`SELECT ${DRAFT_COLUMNS} FROM document_drafts WHERE id = ? AND kind = ?`)
        .bind(id, kind)
        .first();
      return row ? toDraft(row) : null;
    },

    async drafts(limit: number): Promise<StoredDraft[]> {
      const { results } = await db
        .prepare(
          `SELECT ${DRAFT_COLUMNS} FROM document_drafts WHERE kind = ? AND published_version IS NULL
           ORDER BY updated_at DESC LIMIT ?`,
        )
        .bind(kind, limit)
        .all();
      return results.map(toDraft);
    },

    /** Replaces an unpublished draft's content; false when there is no such unpublished draft. */
    async updateDraft(
      id: string,
      content: Record<string, unknown>,
      note: string | null,
      at: string,
    ): Promise<boolean> {
      const result = await db
        .prepare(
          `UPDATE document_drafts SET body = ?, note = ?, updated_at = ?
           WHERE id = ? AND kind = ? AND published_version IS NULL`,
        )
        .bind(JSON.stringify(content), note, at, id, kind)
        .run();
      return result.meta.changes > 0;
    },

    async deleteDraft(id: string): Promise<boolean> {
      const result = await db
        .prepare("DELETE FROM document_drafts WHERE id = ? AND kind = ? AND published_version IS NULL")
        .bind(id, kind)
        .run();
      return result.meta.changes > 0;
    },
  };
}
export type DocumentRepository = ReturnType<typeof documentRepository>;
