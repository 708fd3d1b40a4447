/** API shapes of the document lifecycle (drafts, versions, diffs) shared by the policy and catalog routes. */
import { z } from "@hono/zod-openapi";
import { AuditActor, FLEET_OVERRIDE_FIELDS, overrideNeedsReason } from "@tessera/service-kit";

export const Actor = AuditActor.openapi("Actor", {
  description: "Who acted: a person, service or the bootstrap admin",
});

export const DocumentChange = z
  .object({
    path: z.string().openapi({ example: "roles.pos.offline.perTransaction" }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .openapi("DocumentChange");

/** One broken cross-field rule, keyed by a stable rule id. */
export const DocumentIssue = z
  .object({
    path: z.string().openapi({ example: "grant.refreshMarginSeconds" }),
    rule: z.string().openapi({ example: "grant.refresh_margin_below_lifetime" }),
    message: z.string(),
  })
  .openapi("DocumentIssue");

export const DocumentVersionSummary = z
  .object({
    version: z.int().min(1),
    etag: z.string().openapi({ example: '"C8UZlSb-hyyEbEwI73gFLn"' }),
    publishedAt: z.iso.datetime(),
    publishedBy: Actor,
    restoredFrom: z
      .int()
      .min(1)
      .nullable()
      .describe("Set when this version re-published an older one (rollback)"),
    note: z.string().nullable(),
  })
  .openapi("DocumentVersionSummary");
export type DocumentVersionSummary = z.infer<typeof DocumentVersionSummary>;

export const DocumentVersionList = z
  .object({ versions: z.array(DocumentVersionSummary) })
  .openapi("DocumentVersionList");

export const PublishResult = DocumentVersionSummary.extend({
  changes: z.array(DocumentChange).describe("What changed against the version it replaced"),
}).openapi("PublishResult");

export const DocumentDiff = z
  .object({
    against: z.int().min(1).describe("The current version the changes are relative to"),
    changes: z.array(DocumentChange),
  })
  .openapi("DocumentDiff");

export const ValidationReport = z
  .object({
    valid: z.literal(true),
    against: z.int().min(1),
    changes: z.array(DocumentChange),
  })
  .openapi("ValidationReport");

export const DraftId = z
  .string()
  .regex(/^drf_[A-Za-z0-9_-]{1,64}$/)
  .openapi({ example: "drf_5c1d8e0a-…" });

export const NoteField = z
  .string()
  .trim()
  .max(500)
  .optional()
  .describe("Why: shown in history and the audit log");

export const PublishRequest = z
  .object({
    baseVersion: z
      .int()
      .min(1)
      .optional()
      .describe("Refuse with 409 if the current version is no longer this one (someone published meanwhile)"),
    note: NoteField,
    // A policy that switches the write layout, or drops a readable one, waits for the fleet (ADR 0005).
    ...FLEET_OVERRIDE_FIELDS,
  })
  .superRefine(overrideNeedsReason)
  .openapi("PublishRequest");

export const RollbackRequest = z
  .object({
    version: z.int().min(1).describe("The published version whose content becomes the new current version"),
    note: NoteField,
    ...FLEET_OVERRIDE_FIELDS,
  })
  .superRefine(overrideNeedsReason)
  .openapi("RollbackRequest");

export const VersionParam = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: "version", in: "path" }, example: 3 }),
});

export const DraftParam = z.object({
  draftId: DraftId.openapi({ param: { name: "draftId", in: "path" } }),
});
