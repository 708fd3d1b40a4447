/**
 * The pure steps of the document lifecycle: check a draft (schema, then cross-field rules), build the
 * immutable published form with its ETag, and compare two contents. No Worker APIs here.
 */
import {
  canonicalJson,
  diffDocuments,
  documentEtag,
  fieldErrorsFromZod,
  type PolicyChange,
  TesseraError,
} from "@tessera/protocol";
import type { DocumentKind, RuleContext } from "./kinds.ts";

/** The fields a published document adds to its draft; stripped again to compare contents. */
const PUBLICATION_FIELDS = ["version", "publishedAt"] as const;

export interface PublishedForm {
  version: number;
  publishedAt: string;
  /** The exact JSON served for this version. */
  body: string;
  etag: string;
}

/** The draft part of a published document (its content without version and publication time). */
export function contentOf(document: Record<string, unknown>): Record<string, unknown> {
  const content = { ...document };
  for (const field of PUBLICATION_FIELDS) delete content[field];
  return content;
}

/** Parses a draft, or throws the kind's `*_invalid` problem with one field error per schema issue. */
export function parseDraft(kind: DocumentKind, input: unknown): Record<string, unknown> {
  const parsed = kind.draftSchema.safeParse(input);
  if (!parsed.success)
    throw new TesseraError(kind.invalidCode, `The ${kind.name} does not match the ${kind.name} schema`, {
      errors: fieldErrorsFromZod(parsed.error),
    });
  return contentOf(parsed.data);
}

/**
 * The whole check a draft must pass before it may be published: schema, then cross-field rules. A broken
 * rule becomes a field error carrying the rule id, so a client can key on it.
 */
export async function checkDraft(
  kind: DocumentKind,
  input: unknown,
  context: RuleContext,
): Promise<Record<string, unknown>> {
  const draft = parseDraft(kind, input);
  const issues = await kind.rules(draft, context);
  if (issues.length > 0)
    throw new TesseraError(
      kind.invalidCode,
      `The ${kind.name} breaks ${issues.length} rule${issues.length === 1 ? "" : "s"}: ${issues.map((issue) => issue.rule).join(", ")}`,
      { errors: issues.map((issue) => ({ path: issue.path, message: issue.message, rule: issue.rule })) },
    );
  return draft;
}

export async function publishedForm(
  kind: DocumentKind,
  content: Record<string, unknown>,
  version: number,
  publishedAt: string,
): Promise<PublishedForm> {
  // Parsed through the published schema, so what is served always reads back as a valid document.
  const document = kind.documentSchema.parse({ ...content, version, publishedAt });
  // Canonical JSON, so the ETag is the hash of exactly the bytes served.
  return { version, publishedAt, body: canonicalJson(document), etag: await documentEtag(document) };
}

/** Leaf-by-leaf changes from the current content to the proposed one. */
export function changesBetween(
  current: Record<string, unknown>,
  proposed: Record<string, unknown>,
): PolicyChange[] {
  return diffDocuments(contentOf(current), contentOf(proposed));
}
