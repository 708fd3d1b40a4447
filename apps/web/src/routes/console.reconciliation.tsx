// Reconciliation: flags with filters and resolve-with-note; batches received; per-terminal health.

import { createFileRoute } from "@tanstack/react-router";
import { FLAG_KINDS } from "@tessera/protocol";
import { useState } from "react";
import {
  ActionButton,
  EnumSelect,
  ErrorNotice,
  formatAmount,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  StatusBadge,
  useLoad,
} from "../console/components/ui.tsx";
import { type Flag, latestReports, listAllTerminals, liveStatus } from "../console/data.ts";
import { can } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/reconciliation")({ component: ReconciliationPage });

const FLAG_STATES = ["open", "resolved", "withdrawn"] as const;

interface Batch {
  batchId: string;
  terminalId: string;
  receivedAt: number;
  events: number;
  accepted: number;
  duplicate: number;
  flagged: number;
  rejected: number;
}

function ReconciliationPage() {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const [state, setState] = useState<(typeof FLAG_STATES)[number] | "">("open");
  const [kind, setKind] = useState<string>("");
  const flags = useLoad(
    (signal) => api.get<{ flags: Flag[] }>("reconciliation", "/flags", { state, kind, limit: 100 }, signal),
    [api, state, kind],
  );
  const batches = useLoad(
    (signal) =>
      api.get<{ batches: Batch[] }>("reconciliation", "/reconciliation/batches", { limit: 30 }, signal),
    [api],
  );
  const health = useLoad(
    async (signal) => {
      const [terminals, reports] = await Promise.all([
        listAllTerminals(api, signal),
        latestReports(api, signal),
      ]);
      return { terminals, reports: new Map(reports.map((r) => [r.terminalId, r])) };
    },
    [api],
  );
  const now = Math.floor(Date.now() / 1000);
  const nameOf = (id: string) => health.data?.terminals.find((x) => x.terminalId === id)?.name ?? id;
  return (
    <>
      <PageHeader title={t("console.section.flags")} lead={t("console.flags.lead")} />
      <Panel title={t("console.flags.title")} id="flags">
        <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
          <EnumSelect
            id="flag-state"
            label={t("console.flags.state")}
            value={state}
            values={FLAG_STATES}
            labelOf={(value) => t(`console.flagState.${value}`)}
            onChange={setState}
            allowAll="console.all"
          />
          <EnumSelect
            id="flag-kind"
            label={t("console.flags.kind")}
            value={kind}
            values={FLAG_KINDS}
            labelOf={(value) => value}
            onChange={setKind}
            allowAll="console.all"
          />
        </form>
        <LoadState loaded={flags} />
        {flags.data?.flags.length === 0 ? <p className="console-muted">{t("console.flags.none")}</p> : null}
        <ul className="flag-list">
          {flags.data?.flags.map((flag) => (
            <FlagItem
              key={flag.flagId}
              flag={flag}
              mayResolve={can(role, "flags.resolve")}
              onResolved={flags.reload}
              nameOf={nameOf}
            />
          ))}
        </ul>
      </Panel>
      <Panel title={t("console.flags.health")} id="health">
        <ErrorNotice error={health.error} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.terminals.name")}</th>
              <th scope="col">{t("console.terminals.live")}</th>
              <th scope="col">{t("console.terminals.outbox")}</th>
              <th scope="col">{t("console.flags.oldestWaiting")}</th>
              <th scope="col">{t("console.terminals.errors")}</th>
            </tr>
          </thead>
          <tbody>
            {health.data?.terminals.map((terminal) => {
              const report = health.data?.reports.get(terminal.terminalId);
              const live = liveStatus(report, now);
              return (
                <tr key={terminal.terminalId}>
                  <td>{terminal.name}</td>
                  <td>
                    <StatusBadge status={live} label={t(`console.status.${live}`)} />
                  </td>
                  <td>{report?.report.outboxDepth ?? "—"}</td>
                  <td>{formatTime(report?.report.oldestPendingAt, locale)}</td>
                  <td>{report?.report.errors.length ?? "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
      <Panel title={t("console.flags.batches")} id="batches">
        <ErrorNotice error={batches.error} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.terminals.received")}</th>
              <th scope="col">{t("console.terminals.name")}</th>
              <th scope="col">{t("console.cards.events")}</th>
              <th scope="col">{t("console.flags.accepted")}</th>
              <th scope="col">{t("console.flags.duplicate")}</th>
              <th scope="col">{t("console.flags.flagged")}</th>
              <th scope="col">{t("console.flags.rejected")}</th>
            </tr>
          </thead>
          <tbody>
            {batches.data?.batches.map((batch) => (
              <tr key={batch.batchId}>
                <td>{formatTime(batch.receivedAt, locale)}</td>
                <td>{nameOf(batch.terminalId)}</td>
                <td>{batch.events}</td>
                <td>{batch.accepted}</td>
                <td>{batch.duplicate}</td>
                <td>{batch.flagged}</td>
                <td>{batch.rejected}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function FlagItem({
  flag,
  mayResolve,
  onResolved,
  nameOf,
}: {
  flag: Flag;
  mayResolve: boolean;
  onResolved: () => void;
  nameOf: (id: string) => string;
}) {
  const { t, locale } = useI18n();
  const { api } = useSignedIn();
  const [note, setNote] = useState("");
  const noteId = `note-${flag.flagId}`;
  return (
    <li className="flag-item" data-flag-kind={flag.kind}>
      <p>
        <strong>{flag.kind}</strong>{" "}
        <StatusBadge status={`flag-${flag.state}`} label={t(`console.flagState.${flag.state}`)} />{" "}
        <span className="console-muted">{formatTime(flag.raisedAt, locale)}</span>
      </p>
      <p>{flag.detail}</p>
      <p className="console-muted">
        {flag.cardId ? (
          <>
            {t("console.cards.card")} <code>{flag.cardId}</code> ·{" "}
          </>
        ) : null}
        {flag.terminalIds.map(nameOf).join(", ")}
        {flag.amount !== null ? ` · ${formatAmount(flag.amount, 2, locale)}` : ""}
      </p>
      {flag.resolution ? (
        <p>{t("console.flags.resolvedBy", { by: flag.resolution.by, note: flag.resolution.note })}</p>
      ) : null}
      {mayResolve && flag.state === "open" ? (
        <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor={noteId}>{t("console.flags.note")}</label>
            <input
              id={noteId}
              required
              maxLength={500}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
          </div>
          <ActionButton
            disabled={!note.trim()}
            onClick={async () => {
              await api.post("reconciliation", `/flags/${flag.flagId}/resolve`, { note: note.trim() });
              onResolved();
            }}
          >
            {t("console.flags.resolve")}
          </ActionButton>
        </form>
      ) : null}
    </li>
  );
}
