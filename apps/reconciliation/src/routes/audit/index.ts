/** The audit log of all three Workers: read, verify, export. Appends arrive through `AuditService`. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { exportAudit, exportAuditRoute } from "./export.ts";
import { listAudit, listAuditRoute } from "./list.ts";
import { verifyAudit, verifyAuditRoute } from "./verify.ts";

export const auditRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(listAuditRoute, listAudit)
  .openapi(verifyAuditRoute, verifyAudit)
  .openapi(exportAuditRoute, exportAudit);
