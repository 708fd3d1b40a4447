/**
 * What the document operations share: who may call them, how a bad document is reported, and the
 * draft's API shape. Each operation file builds its route for a given kind (policy or catalog).
 */
import { z } from "@hono/zod-openapi";
import { fieldErrorsFromZod, TesseraError } from "@tessera/protocol";
import { fleetOverrideOf, type RouteAccess, rejectInvalidInput } from "@tessera/service-kit";
import type { StoredDraft } from "../../db/documents.ts";
import type { DocumentKind } from "../../documents/kinds.ts";
import type { PublishRequest } from "../../documents/store.ts";
import { Actor, DocumentIssue, NoteField } from "../../schemas/documents.ts";
import { layoutChangeCheck } from "../../upstream/fleet.ts";

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

export const FLEET_GATE_DESCRIPTION =
  "A policy whose `layouts.write` differs from the current one, or whose `layouts.readable` drops a layout, is published only once every active terminal has reported software that can follow (reconciliation's fleet readiness, ADR 0005): otherwise 409 `fleet_not_ready` with the terminals behind and unknown, or 503 `fleet_readiness_unavailable` when reconciliation cannot say. `override: true` with a `reason` publishes anyway, audited with the readiness it overrode. Any other change is never held up.";

/**
 * The publish guard of a document: for the policy, the fleet-readiness check of its layouts against the
 * version it replaces; the catalog has none.
 */
export function guardOf(
  kind: DocumentKind,
  env: { FLEET?: unknown },
  content: Record<string, unknown>,
  body: { override?: boolean; reason?: string },
): PublishRequest["guard"] {
  if (kind.name !== "policy") return undefined;
  return (current) => layoutChangeCheck(env, current, content, fleetOverrideOf(body));
}

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
