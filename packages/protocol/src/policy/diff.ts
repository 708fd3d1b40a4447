/** Leaf-by-leaf differences between two documents, for the console's policy diff and the audit log. */
import type { PolicyDraft } from "./document.ts";

/** One changed leaf; `before` or `after` is undefined when the field was added or removed. */
export interface PolicyChange {
  path: string;
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function equalValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => equalValues(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => equalValues(a[key], b[key]));
  }
  return false;
}

function collect(before: unknown, after: unknown, path: string, out: PolicyChange[]): void {
  if (isRecord(before) && isRecord(after)) {
    // Sorted so the same two documents always give the same list, however their JSON was ordered.
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) collect(before[key], after[key], path ? `${path}.${key}` : key, out);
    return;
  }
  // Arrays are compared whole: ["debit"] → ["debit", "refund"] reads better than an index-by-index list.
  if (!equalValues(before, after)) out.push({ path, before, after });
}

/** Differences between generic JSON documents (a catalog, for instance). */
export function diffDocuments(a: unknown, b: unknown): PolicyChange[] {
  const changes: PolicyChange[] = [];
  collect(a, b, "", changes);
  return changes;
}

export function diffPolicies(a: PolicyDraft, b: PolicyDraft): PolicyChange[] {
  return diffDocuments(a, b);
}
