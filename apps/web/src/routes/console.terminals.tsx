// Terminals: the fleet with live status from reports; enrol (code + QR shown once); suspend, resume, revoke;
// one terminal's reports, grants and recent events.
import { createFileRoute } from "@tanstack/react-router";
import { useState } from "react";
import { QrCode } from "../console/components/QrCode.tsx";
import {
  ActionButton,
  ErrorNotice,
  formatAmount,
  formatIso,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  StatusBadge,
  useLoad,
} from "../console/components/ui.tsx";
import {
  type Flag,
  latestReports,
  listAllTerminals,
  liveStatus,
  type StoredReport,
  type Terminal,
  type TerminalRole,
} from "../console/data.ts";
import { can } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/terminals")({ component: TerminalsPage });

interface EnrolmentCode {
  id: string;
  code: string;
  qr: string;
  expiresAt: string;
  name: string;
  role: TerminalRole;
  locationId: string;
}

interface Activity {
  totals: {
    events: number;
    booked: number;
    rejected: number;
    spent: number;
    credited: number;
    missingSeqs: number;
  };
  recentEvents: {
    eventId: string;
    cardId: string | null;
    op: string | null;
    amount: number | null;
    writtenAt: number | null;
    booked: boolean;
    rejectCode: string | null;
  }[];
  openFlags: Flag[];
}

function TerminalsPage() {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const [selected, setSelected] = useState<string | null>(null);
  const fleet = useLoad(
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
  const current = fleet.data?.terminals.find((x) => x.terminalId === selected);
  return (
    <>
      <PageHeader title={t("console.section.terminals")} lead={t("console.terminals.lead")} />
      {can(role, "terminals.enrol") ? <EnrolForm onEnrolled={fleet.reload} /> : null}
      <Panel title={t("console.terminals.fleet")} id="fleet">
        <LoadState loaded={fleet} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.terminals.number")}</th>
              <th scope="col">{t("console.terminals.name")}</th>
              <th scope="col">{t("console.terminals.role")}</th>
              <th scope="col">{t("console.terminals.location")}</th>
              <th scope="col">{t("console.terminals.status")}</th>
              <th scope="col">{t("console.terminals.live")}</th>
              <th scope="col">{t("console.terminals.outbox")}</th>
              <th scope="col">{t("console.terminals.details")}</th>
            </tr>
          </thead>
          <tbody>
            {fleet.data?.terminals.map((terminal) => {
              const report = fleet.data?.reports.get(terminal.terminalId);
              const live = liveStatus(report, now);
              return (
                <tr key={terminal.terminalId} aria-selected={terminal.terminalId === selected}>
                  <td>{terminal.terminalNumber}</td>
                  <td>{terminal.name}</td>
                  <td>{t(`console.terminalRole.${terminal.role}`)}</td>
                  <td>{terminal.locationId}</td>
                  <td>
                    <StatusBadge
                      status={terminal.status}
                      label={t(`console.terminalStatus.${terminal.status}`)}
                    />
                  </td>
                  <td>
                    <StatusBadge status={live} label={t(`console.status.${live}`)} />
                  </td>
                  <td>{report?.report.outboxDepth ?? "—"}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={t("console.terminals.open", { name: terminal.name })}
                      onClick={() => setSelected(terminal.terminalId)}
                    >
                      {t("console.terminals.details")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {fleet.data?.terminals.length === 0 ? (
          <p className="console-muted">{t("console.terminals.none")}</p>
        ) : null}
      </Panel>
      {current ? (
        <TerminalDetail
          key={current.terminalId}
          terminal={current}
          report={fleet.data?.reports.get(current.terminalId)}
          onChanged={fleet.reload}
          locale={locale}
        />
      ) : null}
    </>
  );
}

function EnrolForm({ onEnrolled }: { onEnrolled: () => void }) {
  const { t } = useI18n();
  const { api } = useSignedIn();
  const [name, setName] = useState("");
  const [terminalRole, setTerminalRole] = useState<TerminalRole>("pos");
  const [locationId, setLocationId] = useState("");
  const [created, setCreated] = useState<EnrolmentCode | null>(null);
  return (
    <Panel title={t("console.terminals.enrol")} id="enrol">
      <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="enrol-name">{t("console.terminals.name")}</label>
          <input
            id="enrol-name"
            required
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="enrol-role">{t("console.terminals.role")}</label>
          <select
            id="enrol-role"
            value={terminalRole}
            onChange={(e) => setTerminalRole(e.target.value as TerminalRole)}
          >
            {(["pos", "gate", "station"] as const).map((r) => (
              <option key={r} value={r}>
                {t(`console.terminalRole.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="enrol-location">{t("console.terminals.location")}</label>
          <input
            id="enrol-location"
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            value={locationId}
            onChange={(e) => setLocationId(e.target.value)}
          />
        </div>
        <ActionButton
          type="submit"
          disabled={name.trim() === "" || locationId.trim() === ""}
          onClick={async () => {
            setCreated(
              await api.post<EnrolmentCode>("grants", "/enrolment-codes", {
                role: terminalRole,
                name: name.trim(),
                locationId: locationId.trim(),
              }),
            );
            onEnrolled();
          }}
        >
          {t("console.terminals.makeCode")}
        </ActionButton>
      </form>
      {created ? (
        <div className="enrolment-code" role="status">
          <p className="notice notice-warn">{t("console.terminals.shownOnce")}</p>
          <p>
            {t("console.terminals.code")}: <code className="enrolment-code-value">{created.code}</code>
          </p>
          <p className="console-muted">
            {t("console.terminals.expires", { at: formatIso(created.expiresAt) })}
          </p>
          <QrCode text={created.qr} label={t("console.terminals.qr", { code: created.code })} />
        </div>
      ) : null}
    </Panel>
  );
}

function TerminalDetail({
  terminal,
  report,
  onChanged,
  locale,
}: {
  terminal: Terminal;
  report: StoredReport | undefined;
  onChanged: () => void;
  locale: string;
}) {
  const { t } = useI18n();
  const { api, role } = useSignedIn();
  const [reason, setReason] = useState("");
  const activity = useLoad(
    async (signal) => {
      const [detail, reports] = await Promise.all([
        api.get<Activity>("reconciliation", `/terminals/${terminal.terminalId}/activity`, undefined, signal),
        api.get<{ reports: StoredReport[] }>(
          "reconciliation",
          `/terminals/${terminal.terminalId}/reports`,
          { limit: 10 },
          signal,
        ),
      ]);
      return { detail, reports: reports.reports };
    },
    [api, terminal.terminalId],
  );
  const change = async (action: "suspend" | "resume" | "revoke") => {
    await api.post("grants", `/terminals/${terminal.terminalId}/${action}`, { reason: reason.trim() });
    setReason("");
    onChanged();
  };
  return (
    <Panel title={t("console.terminals.detailTitle", { name: terminal.name })} id="terminal-detail">
      <dl className="console-facts">
        <dt>{t("console.terminals.id")}</dt>
        <dd>
          <code>{terminal.terminalId}</code>
        </dd>
        <dt>{t("console.terminals.software")}</dt>
        <dd>{terminal.softwareVersion ?? "—"}</dd>
        <dt>{t("console.terminals.lastGrant")}</dt>
        <dd>
          {formatIso(terminal.lastGrantAt, locale)} (#{terminal.grantSeq})
        </dd>
        <dt>{t("console.dashboard.grantExpires")}</dt>
        <dd>{formatTime(report?.report.grantExpiresAt, locale)}</dd>
        <dt>{t("console.terminals.policyVersion")}</dt>
        <dd>{report?.report.policyVersion ?? "—"}</dd>
      </dl>
      {can(role, "terminals.changeStatus") && terminal.status !== "revoked" ? (
        <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="status-reason">{t("console.terminals.reason")}</label>
            <input id="status-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {terminal.status === "active" ? (
            <ActionButton kind="quiet" disabled={!reason.trim()} onClick={() => change("suspend")}>
              {t("console.terminals.suspend")}
            </ActionButton>
          ) : (
            <ActionButton kind="quiet" disabled={!reason.trim()} onClick={() => change("resume")}>
              {t("console.terminals.resume")}
            </ActionButton>
          )}
          <ActionButton kind="danger" disabled={!reason.trim()} onClick={() => change("revoke")}>
            {t("console.terminals.revoke")}
          </ActionButton>
        </form>
      ) : null}
      <ErrorNotice error={activity.error} />
      {activity.data ? (
        <>
          <h3>{t("console.terminals.recentEvents")}</h3>
          <p className="console-muted">
            {t("console.terminals.totals", {
              events: activity.data.detail.totals.events,
              rejected: activity.data.detail.totals.rejected,
              missing: activity.data.detail.totals.missingSeqs,
            })}
          </p>
          <table className="console-table">
            <thead>
              <tr>
                <th scope="col">{t("console.cards.when")}</th>
                <th scope="col">{t("console.cards.card")}</th>
                <th scope="col">{t("console.cards.op")}</th>
                <th scope="col">{t("console.cards.amount")}</th>
                <th scope="col">{t("console.terminals.booked")}</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.detail.recentEvents.map((event) => (
                <tr key={event.eventId}>
                  <td>{formatTime(event.writtenAt, locale)}</td>
                  <td>
                    <code>{event.cardId ?? "—"}</code>
                  </td>
                  <td>{event.op ?? "—"}</td>
                  <td>{event.amount === null ? "—" : formatAmount(event.amount, 2, locale)}</td>
                  <td>{event.booked ? t("console.yes") : (event.rejectCode ?? t("console.no"))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t("console.terminals.reports")}</h3>
          <table className="console-table">
            <thead>
              <tr>
                <th scope="col">{t("console.terminals.received")}</th>
                <th scope="col">{t("console.terminals.live")}</th>
                <th scope="col">{t("console.terminals.outbox")}</th>
                <th scope="col">{t("console.terminals.software")}</th>
                <th scope="col">{t("console.terminals.errors")}</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.reports.map((r) => (
                <tr key={r.reportId}>
                  <td>{formatTime(r.receivedAt, locale)}</td>
                  <td>{r.report.online ? t("console.status.online") : t("console.status.offline")}</td>
                  <td>{r.report.outboxDepth}</td>
                  <td>{r.report.softwareVersion}</td>
                  <td>{r.report.errors.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </Panel>
  );
}
