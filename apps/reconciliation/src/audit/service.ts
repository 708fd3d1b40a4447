/**
 * `AuditService`: the RPC entrypoint the policy and grants Workers append audit entries through (ADR
 * 0003, their `AUDIT` binding). The entry is checked, inserted with the next sequence number and sealed
 * into the hash chain before `append` returns, so an admin action whose entry cannot be written fails.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { fieldErrorsFromZod } from "@tessera/protocol";
import { AuditEntryInput } from "@tessera/service-kit";
import { auditLog } from "../db/audit.ts";

export class AuditService extends WorkerEntrypoint<Env> {
  async append(entry: AuditEntryInput): Promise<{ seq: number }> {
    const parsed = AuditEntryInput.safeParse(entry);
    if (!parsed.success) {
      // A plain Error crosses RPC with its message; the caller's action then fails, as ADR 0003 wants.
      const fields = fieldErrorsFromZod(parsed.error).map((e) => `${e.path}: ${e.message}`);
      throw new TypeError(`not an audit entry: ${fields.join("; ")}`);
    }
    return auditLog(this.env.DB).append(parsed.data);
  }
}
