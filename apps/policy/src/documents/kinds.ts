/**
 * The two documents this Worker publishes, described once each: their schemas, default first version,
 * cross-field rules and the error code and scopes that go with them. Everything else about their
 * lifecycle (drafts, validation, diff, publish, history, rollback, cached reads) is shared.
 */
import {
  CatalogDocument,
  CatalogDraft,
  DEFAULT_CATALOG,
  DEFAULT_POLICY,
  type ErrorCode,
  PolicyDocument,
  PolicyDraft,
  type PolicyIssue,
  validateCatalog,
  validatePolicy,
} from "@tessera/protocol";
import type { Scope } from "@tessera/service-kit";
import type { z } from "zod";

export type DocumentKindName = "policy" | "catalog";

/** What a kind's cross-field rules may look at besides the draft: the current policy (for the catalog). */
export interface RuleContext {
  currentPolicy(): Promise<PolicyDraft>;
}

export interface DocumentKind {
  name: DocumentKindName;
  /** Capitalised, for the API reference ("Policy", "Catalog"). */
  title: string;
  draftSchema: z.ZodType<Record<string, unknown>>;
  documentSchema: z.ZodType<Record<string, unknown>>;
  /** Version 1 of a fresh deployment. */
  defaultDraft: Record<string, unknown>;
  invalidCode: Extract<ErrorCode, "policy_invalid" | "catalog_invalid">;
  /** API-key scopes that may read drafts and history, and that may change the document. */
  readScope: Scope;
  writeScope: Scope;
  rules(draft: Record<string, unknown>, context: RuleContext): Promise<PolicyIssue[]>;
}

export const POLICY: DocumentKind = {
  name: "policy",
  title: "Policy",
  draftSchema: PolicyDraft,
  documentSchema: PolicyDocument,
  defaultDraft: DEFAULT_POLICY,
  invalidCode: "policy_invalid",
  readScope: "policy:read",
  writeScope: "policy:write",
  rules: async (draft) => validatePolicy(draft as PolicyDraft),
};

export const CATALOG: DocumentKind = {
  name: "catalog",
  title: "Catalog",
  draftSchema: CatalogDraft,
  documentSchema: CatalogDocument,
  defaultDraft: DEFAULT_CATALOG,
  invalidCode: "catalog_invalid",
  readScope: "policy:read",
  writeScope: "catalog:write",
  // Prices are checked against what a POS terminal may charge under the policy in force.
  rules: async (draft, context) => validateCatalog(draft as CatalogDraft, await context.currentPolicy()),
};
