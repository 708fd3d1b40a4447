/**
 * The document lifecycle as routes, for one kind: policy and catalog each mount this under /v1.
 * Static paths come before parameterised ones so `/versions` is never read as a version number.
 */
import { createServiceRouter } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import type { PolicyEnv } from "../../env.ts";
import { createDraft } from "./create-draft.ts";
import { deleteDraft } from "./delete-draft.ts";
import { diffDraft } from "./diff-draft.ts";
import { listDrafts } from "./list-drafts.ts";
import { listVersions } from "./list-versions.ts";
import { publishDraft } from "./publish-draft.ts";
import { readCurrent } from "./read-current.ts";
import { readDraft } from "./read-draft.ts";
import { readVersion } from "./read-version.ts";
import { rollback } from "./rollback.ts";
import { updateDraft } from "./update-draft.ts";
import { validateDocument } from "./validate.ts";

export function documentRoutes(kind: DocumentKind) {
  return createServiceRouter<PolicyEnv>()
    .route("/", readCurrent(kind))
    .route("/", listVersions(kind))
    .route("/", readVersion(kind))
    .route("/", validateDocument(kind))
    .route("/", listDrafts(kind))
    .route("/", createDraft(kind))
    .route("/", readDraft(kind))
    .route("/", updateDraft(kind))
    .route("/", deleteDraft(kind))
    .route("/", diffDraft(kind))
    .route("/", publishDraft(kind))
    .route("/", rollback(kind));
}
