// Dashboard: fleet health from terminal reports, open flags, grant expiries and activity charts.
import { createFileRoute } from "@tanstack/react-router";
import { useState } from "react";
import { BarChart, LineChart } from "../console/charts/Charts.tsx";
import {
  ErrorNotice,
  formatAmount,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  Stat,
  useLoad,
} from "../console/components/ui.tsx";
import {
  type ActivityStats,
  bucketStarts,
  type Flag,
  latestReports,
  listAllTerminals,
  liveStatus,
  seriesBy,
} from "../console/data.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/")({ component: Dashboard });

const GRANT_EXPIRY_WINDOW = 2 * 3600;

function Dashboard() {
  const { t, locale } = useI18n();
  const { api } = useSignedIn();
  const [bucket, setBucket] = useState<"hour" | "day">("hour");
  const fleet = useLoad(
    async (signal) => {
      const [terminals, reports, flags] = await Promise.all([
        listAllTerminals(api, signal),
        latestReports(api, signal),
        api.get<{ flags: Flag[] }>("reconciliation", "/flags", { state: "open", limit: 200 }, signal),
      ]);
      return { terminals, reports, openFlags: flags.flags };
    },
    [api],
  );
  const activity = useLoad(
    (signal) =>
      api.get<ActivityStats>(
        "reconciliation",
        "/stats/activity",
        { bucket, from: Math.floor(Date.now() / 1000) - (bucket === "hour" ? 24 * 3600 : 30 * 86_400) },
        signal,
      ),
    [api, bucket],
  );

  const now = Math.floor(Date.now() / 1000);
  const reportOf = new Map(fleet.data?.reports.map((r) => [r.terminalId, r]));
  const live = (fleet.data?.terminals ?? [])
    .filter((terminal) => terminal.status === "active")
    .map((terminal) => ({ terminal, status: liveStatus(reportOf.get(terminal.terminalId), now) }));
  const count = (status: string) => live.filter((l) => l.status === status).length;
  const waiting = (fleet.data?.reports ?? []).reduce((sum, r) => sum + r.report.outboxDepth, 0);
  const expiring = (fleet.data?.reports ?? [])
    .filter(
      (r) => r.report.grantExpiresAt !== undefined && r.report.grantExpiresAt - now < GRANT_EXPIRY_WINDOW,
    )
    .sort((a, b) => (a.report.grantExpiresAt ?? 0) - (b.report.grantExpiresAt ?? 0));
  const terminalById = new Map(fleet.data?.terminals.map((x) => [x.terminalId, x]));

  const size = bucket === "hour" ? 3600 : 86_400;
  const stats = activity.data;
  const labels = stats
    ? bucketStarts(stats.from, stats.to, size).map((at) =>
        new Date(at * 1000).toLocaleString(locale, {
          timeZone: "UTC",
          ...(bucket === "hour"
            ? { hour: "2-digit", minute: "2-digit" }
            : { month: "short", day: "numeric" }),
        }),
      )
    : [];
  const roleOf = (terminalId: string) => terminalById.get(terminalId)?.role ?? "unknown";
  const taps = stats
    ? seriesBy(stats, size, (row) => ({ group: roleOf(row.terminalId), amount: row.events }))
    : null;
  const value = stats
    ? seriesBy(stats, size, (row) =>
        row.op === "debit" || row.op === "topup" || row.op === "checkin"
          ? { group: roleOf(row.terminalId), amount: row.value }
          : undefined,
      )
    : null;
  const perTerminal = new Map<string, number>();
  for (const row of stats?.rows ?? [])
    perTerminal.set(row.terminalId, (perTerminal.get(row.terminalId) ?? 0) + row.events);
  const roleLabel = (role: string) =>
    role === "pos" || role === "gate" || role === "station" ? t(`console.terminalRole.${role}`) : role;
  const toSeries = (series: Map<string, number[]> | null) =>
    [...(series ?? new Map<string, number[]>())].map(([key, values]) => ({
      key,
      label: roleLabel(key),
      values,
    }));

  return (
    <>
      <PageHeader title={t("console.section.dashboard")} lead={t("console.dashboard.lead")} />
      <LoadState loaded={fleet} />
      <dl className="stat-grid">
        <Stat label={t("console.status.online")} value={count("online")} tone="good" />
        <Stat
          label={t("console.status.offline")}
          value={count("offline")}
          tone={count("offline") ? "warn" : undefined}
        />
        <Stat
          label={t("console.status.stale")}
          value={count("stale") + count("silent")}
          tone={count("stale") ? "bad" : undefined}
        />
        <Stat label={t("console.dashboard.waiting")} value={waiting} tone={waiting ? "warn" : undefined} />
        <Stat
          label={t("console.dashboard.openFlags")}
          value={fleet.data?.openFlags.length ?? "—"}
          tone={fleet.data?.openFlags.length ? "bad" : undefined}
        />
        <Stat
          label={t("console.dashboard.expiring")}
          value={expiring.length}
          tone={expiring.length ? "warn" : undefined}
        />
      </dl>
      <Panel title={t("console.dashboard.activity")} id="activity">
        <fieldset className="segmented">
          <legend className="visually-hidden">{t("console.dashboard.bucket")}</legend>
          {(["hour", "day"] as const).map((b) => (
            <button key={b} type="button" aria-pressed={bucket === b} onClick={() => setBucket(b)}>
              {t(b === "hour" ? "console.dashboard.perHour" : "console.dashboard.perDay")}
            </button>
          ))}
        </fieldset>
        <ErrorNotice error={activity.error} />
        <div className="chart-grid">
          <BarChart
            title={t("console.chart.tapsPerRole")}
            buckets={labels}
            series={toSeries(taps)}
            empty={t("console.chart.empty")}
          />
          <LineChart
            title={t("console.chart.valuePerRole")}
            buckets={labels}
            series={toSeries(value)}
            format={(v) => formatAmount(v, 2, locale)}
            empty={t("console.chart.empty")}
          />
          <BarChart
            title={t("console.chart.tapsPerTerminal")}
            buckets={[...perTerminal.keys()].map((id) => terminalById.get(id)?.name ?? id)}
            series={[{ key: "taps", label: t("console.chart.taps"), values: [...perTerminal.values()] }]}
            empty={t("console.chart.empty")}
          />
        </div>
      </Panel>
      <Panel title={t("console.dashboard.expiringTitle")} id="expiring">
        {expiring.length === 0 ? (
          <p className="console-muted">{t("console.dashboard.noneExpiring")}</p>
        ) : (
          <table className="console-table">
            <thead>
              <tr>
                <th scope="col">{t("console.terminals.name")}</th>
                <th scope="col">{t("console.dashboard.grantExpires")}</th>
              </tr>
            </thead>
            <tbody>
              {expiring.map((r) => (
                <tr key={r.terminalId}>
                  <td>{terminalById.get(r.terminalId)?.name ?? r.terminalId}</td>
                  <td>{formatTime(r.report.grantExpiresAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
