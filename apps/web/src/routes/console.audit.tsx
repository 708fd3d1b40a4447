// Audit log: entries of all three Workers filtered by service, actor, action or target; the hash chain
// verified on demand; CSV or NDJSON export with progress and cancel.
import { createFileRoute } from "@tanstack/react-router";
import { useState } from "react";
import { ExportButton } from "../console/components/Export.tsx";
import {
  ActionButton,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  useLoad,
} from "../console/components/ui.tsx";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/audit")({ component: AuditPage });

interface AuditEntry {
  seq: number;
  service: string;
  actor: { kind: string; id: string; name?: string };
  action: string;
  target: string;
  detail: Record<string, unknown>;
  at: string;
  hash: string | null;
}

interface Verification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBreak: { seq: number; reason: string; detail?: string } | null;
}

const FILTERS = ["service", "actorId", "action", "target"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function AuditPage() {
  const { t, locale } = useI18n();
  const { api } = useSignedIn();
  const [draft, setDraft] = useState<Filters>({ service: "", actorId: "", action: "", target: "" });
  const [filters, setFilters] = useState<Filters>(draft);
  const [verification, setVerification] = useState<Verification | null>(null);
  const entries = useLoad(
    (signal) =>
      api.get<{ entries: AuditEntry[] }>("reconciliation", "/audit", { ...filters, limit: 200 }, signal),
    [api, filters],
  );
  const exportAs = (format: "csv" | "ndjson") => (onProgress: (bytes: number) => void, signal: AbortSignal) =>
    api.download("reconciliation", "/audit/export", { ...filters, format }, onProgress, signal);
  return (
    <>
      <PageHeader title={t("console.section.audit")} lead={t("console.audit.lead")} />
      <Panel title={t("console.audit.filter")} id="audit-filter">
        <form
          className="console-form console-form-row"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters(draft);
          }}
        >
          {FILTERS.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={`audit-${name}`}>{t(`console.audit.${name}`)}</label>
              <input
                id={`audit-${name}`}
                value={draft[name]}
                onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
              />
            </div>
          ))}
          <button type="submit" className="button button-primary">
            {t("console.audit.apply")}
          </button>
        </form>
        <div className="console-actions">
          <ActionButton
            kind="quiet"
            onClick={async () =>
              setVerification(await api.get<Verification>("reconciliation", "/audit/verify"))
            }
          >
            {t("console.audit.verify")}
          </ActionButton>
          <ExportButton
            label={t("console.audit.exportCsv")}
            fileName="tessera-audit.csv"
            fetchBlob={exportAs("csv")}
          />
          <ExportButton
            label={t("console.audit.exportNdjson")}
            fileName="tessera-audit.ndjson"
            fetchBlob={exportAs("ndjson")}
          />
        </div>
        {verification ? (
          <p
            role="status"
            className={`notice ${verification.ok ? "notice-good" : "notice-bad"}`}
            data-testid="audit-verification"
          >
            {verification.ok
              ? t("console.audit.verified", {
                  checked: verification.checked,
                  seq: verification.head?.seq ?? 0,
                })
              : t("console.audit.broken", {
                  seq: verification.firstBreak?.seq ?? 0,
                  reason: verification.firstBreak?.reason ?? "",
                })}
          </p>
        ) : null}
      </Panel>
      <Panel title={t("console.audit.entries")} id="audit-entries">
        <LoadState loaded={entries} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("console.audit.at")}</th>
              <th scope="col">{t("console.audit.service")}</th>
              <th scope="col">{t("console.audit.actorId")}</th>
              <th scope="col">{t("console.audit.action")}</th>
              <th scope="col">{t("console.audit.target")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.entries.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{formatTime(Math.floor(Date.parse(entry.at) / 1000), locale)}</td>
                <td>{entry.service}</td>
                <td>{entry.actor.name ?? entry.actor.id}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  <code>{entry.target}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
