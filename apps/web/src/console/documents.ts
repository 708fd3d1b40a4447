// Policy and catalog drafts as the console edits them: JSON text checked against the protocol's schema and
// cross-field rules before anything is sent, and single fields read and written by dotted path.
import {
  CatalogDraft,
  type CatalogDraft as CatalogDraftType,
  PolicyDraft,
  type PolicyDraft as PolicyDraftType,
  validateCatalog,
  validatePolicy,
} from "@tessera/protocol";

export type DocumentKindName = "policy" | "catalog";

export interface DraftIssue {
  path: string;
  rule: string;
  message: string;
}

export type DraftCheck =
  | { ok: true; document: Record<string, unknown>; issues: DraftIssue[] }
  | { ok: false; issues: DraftIssue[] };

/** Published documents carry their version and date; a draft must not. */
export function draftOf(document: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, publishedAt: _publishedAt, ...draft } = document;
  return draft;
}

/**
 * Parses and checks a draft the way the policy Worker will: the schema first, then the rules. A catalog's
 * prices are also checked against the policy in force when it is known.
 */
export function checkDraft(kind: DocumentKindName, text: string, policy?: PolicyDraftType): DraftCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: "", rule: "json", message: (error as Error).message }] };
  }
  const parsed = kind === "policy" ? PolicyDraft.safeParse(value) : CatalogDraft.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        rule: "schema",
        message: issue.message,
      })),
    };
  }
  const issues =
    kind === "policy"
      ? validatePolicy(parsed.data as PolicyDraftType)
      : validateCatalog(parsed.data as CatalogDraftType, policy);
  return { ok: true, document: parsed.data as Record<string, unknown>, issues };
}

export function readPath(document: unknown, path: string): unknown {
  let node = document;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A copy of `document` with `path` set to `value`; arrays are addressed by index ("locations.0.name"). */
export function writePath(document: unknown, path: string, value: unknown): unknown {
  const [head, ...rest] = path.split(".");
  if (head === undefined) return value;
  const container: Record<string, unknown> | unknown[] = Array.isArray(document)
    ? [...document]
    : { ...(document as Record<string, unknown>) };
  const current = (container as Record<string, unknown>)[head];
  (container as Record<string, unknown>)[head] =
    rest.length === 0 ? value : writePath(current, rest.join("."), value);
  return container;
}

/** The policy fields the console offers as a form; everything else is edited in the JSON. */
export const POLICY_FIELDS = [
  "balanceCap",
  "roles.pos.offline.perTransaction",
  "roles.pos.offline.cumulativeValue",
  "roles.pos.offline.cumulativeCount",
  "cardLimits.daily",
  "cardLimits.weekly",
  "grant.lifetimeSeconds",
  "grant.refreshMarginSeconds",
  "clockSkewSeconds",
] as const;

/** Every product price of a catalog as an editable field path, with the names to label it by. */
export function catalogPriceFields(document: unknown): { path: string; location: string; product: string }[] {
  const locations = readPath(document, "locations");
  if (!Array.isArray(locations)) return [];
  return locations.flatMap((location, l) => {
    const products = (location as { products?: unknown }).products;
    if (!Array.isArray(products)) return [];
    return products.map((product, p) => ({
      path: `locations.${l}.products.${p}.price`,
      location: String((location as { name?: unknown }).name ?? (location as { id?: unknown }).id ?? l),
      product: String((product as { name?: unknown }).name ?? (product as { id?: unknown }).id ?? p),
    }));
  });
}
