/**
 * What the document operations share: who may call them, how a bad document is reported, and the
 * draft's API shape. Each operation file builds its route for a given kind (policy or catalog).
 */
import { z } from "@hono/zod-openapi";
import { fieldErrorsFromZod, TesseraError } from "@tessera/protocol";
import { type RouteAccess, rejectInvalidInput } from "@tessera/service-kit";
import type { StoredDraft } from "../../db/documents.ts";
import type { DocumentKind } from "../../documents/kinds.ts";
import { Actor, DocumentIssue, NoteField } from "../../schemas/documents.ts";

/** Reading current and published versions: public, a policy holds no secrets. */
export const publicRead: RouteAccess = { public: true };
/** Drafts and history: anyone in the console, or a service key that may read policy. */
export const consoleRead = (kind: DocumentKind): RouteAccess => ({
  roles: ["auditor"],
  scopes: [kind.readScope],
});
/** Drafting, publishing, rolling back: admins, or automation holding the kind's write scope. */
export const write = (kind: DocumentKind): RouteAccess => ({ roles: ["admin"], scopes: [kind.writeScope] });

export const tagOf = (kind: DocumentKind) => kind.title;

/** The request body that carries a document, documented with the kind's schema. */
export const documentBody = (kind: DocumentKind) => ({
  required: true,
  content: {
    "application/json": {
      schema: z.object({ document: kind.draftSchema, note: NoteField }),
    },
  },
});

type ValidationResult = { target: string } & ({ success: true } | { success: false; error: z.ZodError });

/**
 * The validation hook of routes that take a document: a document that does not fit its schema is a
 * `policy_invalid` / `catalog_invalid` problem with one field error per issue (paths relative to the
 * document, `rule: "schema"`), the same shape the cross-field rules produce; anything else is the usual
 * `validation_failed`.
 */
export function documentHook(kind: DocumentKind) {
  return (result: ValidationResult) => {
    if (result.success) return;
    const issues = result.error.issues;
    if (
      result.target === "json" &&
      issues.length > 0 &&
      issues.every((issue) => issue.path[0] === "document")
    ) {
      const errors = fieldErrorsFromZod(result.error).map((error) => ({
        path: error.path.replace(/^document\.?/, ""),
        message: error.message,
        rule: "schema",
      }));
      throw new TesseraError(kind.invalidCode, `The ${kind.name} does not match the ${kind.name} schema`, {
        errors,
      });
    }
    return rejectInvalidInput(result);
  };
}

// One schema object per kind, so the OpenAPI component is registered once.
const draftSchemas = new Map<string, ReturnType<typeof buildDraftSchema>>();
const draftListSchemas = new Map<string, ReturnType<typeof buildDraftListSchema>>();

export function draftSchema(kind: DocumentKind) {
  const known = draftSchemas.get(kind.name);
  if (known) return known;
  const schema = buildDraftSchema(kind);
  draftSchemas.set(kind.name, schema);
  return schema;
}

export function draftListSchema(kind: DocumentKind) {
  const known = draftListSchemas.get(kind.name);
  if (known) return known;
  const schema = buildDraftListSchema(kind);
  draftListSchemas.set(kind.name, schema);
  return schema;
}

const buildDraftSchema = (kind: DocumentKind) =>
  z
    .object({
      id: z.string(),
      kind: z.literal(kind.name),
      document: kind.draftSchema,
      basedOn: z.int().nullable().describe("The version that was current when the draft was started"),
      note: z.string().nullable(),
      createdBy: Actor,
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      publishedVersion: z.int().nullable(),
      issues: z
        .array(DocumentIssue)
        .describe("Cross-field rules the draft breaks now; publishing needs none"),
    })
    .openapi(`${kind.title}Draft`);

const buildDraftListSchema = (kind: DocumentKind) =>
  z.object({ drafts: z.array(draftSchema(kind)) }).openapi(`${kind.title}DraftList`);

export function draftResponse(
  kind: DocumentKind,
  draft: StoredDraft,
  issues: z.infer<typeof DocumentIssue>[],
) {
  return draftSchema(kind).parse({
    id: draft.id,
    kind: draft.kind,
    document: draft.content,
    basedOn: draft.basedOn,
    note: draft.note,
    createdBy: draft.createdBy,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    publishedVersion: draft.publishedVersion,
    issues,
  });
}

/** The draft, or `not_found`. */
export function found<T>(value: T | null, what: string): T {
  if (value === null) throw new TesseraError("not_found", `No ${what}`);
  return value;
}
