// Finance: the float (value held on cards, the operator's liability) now and over time; top-ups against
// spending and pay-outs per day and location; cash expected per station and day; the daily settlement export.
import { createFileRoute } from "@tanstack/react-router";
import { saveBlob } from "../console/api.ts";
import { BarChart, LineChart } from "../console/charts/Charts.tsx";
import { formatAmount, LoadState, PageHeader, Panel, Stat, useLoad } from "../console/components/ui.tsx";
import {
  type ActivityStats,
  bucketStarts,
  floatSeries,
  listAllTerminals,
  seriesBy,
} from "../console/data.ts";
import { settlementCsv, settlementRows, stationShifts } from "../console/finance.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/finance")({ component: FinancePage });

const DAY = 86_400;
const DAYS = 30;

interface CardPage {
  cards: { cardId: string; balance: number; status: string }[];
  next: string | null;
}

function FinancePage() {
  const { t, locale } = useI18n();
  const { api } = useSignedIn();
  const data = useLoad(
    async (signal) => {
      const now = Math.floor(Date.now() / 1000);
      const [stats, terminals] = await Promise.all([
        api.get<ActivityStats>(
          "reconciliation",
          "/stats/activity",
          { bucket: "day", from: now - (DAYS - 1) * DAY },
          signal,
        ),
        listAllTerminals(api, signal),
      ]);
      // The reconciled balances are the float's ground truth; the chart is the same figure over time.
      let cardFloat = 0;
      let cards = 0;
      let after: string | undefined;
      for (;;) {
        const page = await api.get<CardPage>("reconciliation", "/cards", { after, limit: 500 }, signal);
        for (const card of page.cards) cardFloat += card.balance;
        cards += page.cards.length;
        if (!page.next) break;
        after = page.next;
      }
      return { stats, terminals, cardFloat, cards };
    },
    [api],
  );
  const money = (value: number) => formatAmount(value, 2, locale);
  const stats = data.data?.stats;
  const labels = stats
    ? bucketStarts(stats.from, stats.to, DAY).map((at) =>
        new Date(at * 1000).toLocaleDateString(locale, { timeZone: "UTC", month: "short", day: "numeric" }),
      )
    : [];
  const flows = stats
    ? seriesBy(stats, DAY, (row) => {
        if (row.op === "topup") return { group: "topups", amount: row.value };
        if (row.op === "payout") return { group: "payouts", amount: row.value };
        if (row.op === "debit" || row.op === "checkin" || row.op === "checkout")
          return { group: "spend", amount: row.value };
        return undefined;
      })
    : new Map<string, number[]>();
  const flowLabel = {
    topups: t("console.finance.topups"),
    spend: t("console.finance.spend"),
    payouts: t("console.finance.payouts"),
  };
  const settlement = stats && data.data ? settlementRows(stats, data.data.terminals) : [];
  const shifts = stats && data.data ? stationShifts(stats, data.data.terminals) : [];
  const floats = stats ? floatSeries(stats, DAY) : [];
  return (
    <>
      <PageHeader title={t("console.section.finance")} lead={t("console.finance.lead")} />
      <LoadState loaded={data} />
      {data.data ? (
        <dl className="stat-grid">
          <Stat
            label={t("console.finance.float")}
            value={<span data-testid="card-float">{money(data.data.cardFloat)}</span>}
          />
          <Stat label={t("console.finance.cards")} value={data.data.cards} />
          <Stat
            label={t("console.finance.floatBooked")}
            value={<span data-testid="booked-float">{money(floats.at(-1) ?? 0)}</span>}
          />
        </dl>
      ) : null}
      <div className="chart-grid">
        <LineChart
          title={t("console.finance.floatOverTime")}
          buckets={labels}
          series={[{ key: "float", label: t("console.finance.float"), values: floats }]}
          format={money}
          empty={t("console.chart.empty")}
        />
        <BarChart
          title={t("console.finance.flowsPerDay")}
          buckets={labels}
          series={(["topups", "spend", "payouts"] as const).map((key) => ({
            key,
            label: flowLabel[key],
            values: flows.get(key) ?? labels.map(() => 0),
          }))}
          format={money}
          empty={t("console.chart.empty")}
        />
      </div>
      <Panel title={t("console.finance.perLocation")} id="per-location">
        <div className="console-actions">
          <button
            type="button"
            className="button button-quiet"
            disabled={settlement.length === 0}
            onClick={() =>
              saveBlob(new Blob([settlementCsv(settlement)], { type: "text/csv" }), "tessera-settlement.csv")
            }
          >
            {t("console.finance.export")}
          </button>
        </div>
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.finance.day")}</th>
              <th scope="col">{t("console.terminals.location")}</th>
              <th scope="col">{t("console.finance.topups")}</th>
              <th scope="col">{t("console.finance.spend")}</th>
              <th scope="col">{t("console.finance.refunds")}</th>
              <th scope="col">{t("console.finance.payouts")}</th>
            </tr>
          </thead>
          <tbody>
            {settlement.map((row) => (
              <tr key={`${row.day}-${row.locationId}`}>
                <td>{row.day}</td>
                <td>{row.locationId}</td>
                <td>{money(row.topups)}</td>
                <td>{money(row.spend)}</td>
                <td>{money(row.refunds)}</td>
                <td>{money(row.payouts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title={t("console.finance.shifts")} id="shifts">
        <p className="console-muted">{t("console.finance.shiftsHelp")}</p>
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.finance.day")}</th>
              <th scope="col">{t("console.terminals.name")}</th>
              <th scope="col">{t("console.finance.topups")}</th>
              <th scope="col">{t("console.finance.payouts")}</th>
              <th scope="col">{t("console.finance.cashExpected")}</th>
            </tr>
          </thead>
          <tbody>
            {shifts.map((shift) => (
              <tr key={`${shift.day}-${shift.terminalId}`}>
                <td>{shift.day}</td>
                <td>{shift.name}</td>
                <td>{money(shift.topups)}</td>
                <td>{money(shift.payouts)}</td>
                <td>{money(shift.cashExpected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
