// The operator's side of the kiosk, behind the PIN chosen at enrolment: language, the end-of-shift report
// (shown, exported, closed), a sync now, and the way out of kiosk mode.

import { Link } from "@tanstack/react-router";
import type { Operation } from "@tessera/protocol";
import type { ShiftTally, TerminalEngine } from "@tessera/terminal-engine";
import { ArrowLeft, Download, Lock, RefreshCw, X } from "lucide-react";
import { type FormEvent, useState } from "react";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { useI18n, useT } from "../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "./money.ts";
import { verifyOperatorPin } from "./operator-pin.ts";
import { type ShiftReport, shiftReportCsv } from "./shift.ts";
import { operationKey, refusalKeyOf } from "./words.ts";

export function PinPrompt({ onUnlock, onCancel }: { onUnlock: () => void; onCancel: () => void }) {
  const t = useT();
  const [pin, setPin] = useState("");
  const [wrong, setWrong] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const ok = await verifyOperatorPin(pin);
    setBusy(false);
    setPin("");
    if (ok) onUnlock();
    else setWrong(true);
  }

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="pin-title">
      <form className="dialog" onSubmit={submit}>
        <h2 id="pin-title">
          <Lock aria-hidden="true" size={24} /> {t("terminal.operator.pinTitle")}
        </h2>
        <label>
          <span>{t("terminal.operator.pin")}</span>
          <input
            name="operator-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            // biome-ignore lint/a11y/noAutofocus: the dialog exists only to take the PIN
            autoFocus
            value={pin}
            onChange={(event) => setPin(event.target.value)}
          />
        </label>
        {wrong ? (
          <p className="notice notice-bad" role="alert">
            {t("terminal.operator.wrongPin")}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button button-quiet" onClick={onCancel}>
            {t("terminal.tap.cancel")}
          </button>
          <button type="submit" className="button button-primary" disabled={busy || pin === ""}>
            {t("terminal.operator.unlock")}
          </button>
        </div>
      </form>
    </div>
  );
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ShiftReportView({
  report,
  currency,
  onClose,
}: {
  report: ShiftReport;
  currency: CurrencyInfo | null;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const money = (amount: number) => (currency ? formatMoney(amount, currency, locale) : String(amount));
  const when = (ms: number) => new Date(ms).toLocaleString(locale);
  const stem = `tessera-shift-${report.terminalId ?? "terminal"}-${new Date(report.closedAt).toISOString().slice(0, 16).replace(":", "")}`;
  const totals = Object.entries(report.totals) as [Operation, { count: number; amount: number }][];
  const refused = Object.entries(report.refused);
  return (
    <section className="shift-report" data-testid="shift-report" aria-labelledby="shift-title">
      <h2 id="shift-title">{t("terminal.shift.title")}</h2>
      <p className="hint">
        {t("terminal.shift.period", { from: when(report.openedAt), to: when(report.closedAt) })}
        {report.terminalName ? ` · ${report.terminalName}` : ""}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("terminal.shift.operation")}</th>
            <th scope="col">{t("terminal.shift.count")}</th>
            <th scope="col">{t("terminal.shift.amount")}</th>
          </tr>
        </thead>
        <tbody>
          {totals.length === 0 ? (
            <tr>
              <td colSpan={3}>{t("terminal.shift.none")}</td>
            </tr>
          ) : (
            totals.map(([op, total]) => (
              <tr key={op} data-op={op}>
                <td>{t(operationKey(op))}</td>
                <td>{total.count}</td>
                <td>{money(total.amount)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <dl className="shift-figures">
        <dt>{t("terminal.shift.cashIn")}</dt>
        <dd data-testid="shift-cash-in">{money(report.cashIn)}</dd>
        <dt>{t("terminal.shift.cashOut")}</dt>
        <dd>{money(report.cashOut)}</dd>
        <dt>{t("terminal.shift.uncertain")}</dt>
        <dd>{report.uncertain}</dd>
        <dt>{t("terminal.shift.waiting")}</dt>
        <dd data-testid="shift-waiting">{report.eventsWaiting}</dd>
      </dl>
      <h3>{t("terminal.shift.refused")}</h3>
      {refused.length === 0 ? (
        <p>{t("terminal.shift.none")}</p>
      ) : (
        <ul className="shift-refused">
          {refused.map(([code, count]) => (
            <li key={code}>
              {t(refusalKeyOf(code))} — {count}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="button button-quiet"
          onClick={() => download(`${stem}.csv`, "text/csv", shiftReportCsv(report))}
        >
          <Download aria-hidden="true" size={22} /> CSV
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => download(`${stem}.json`, "application/json", `${JSON.stringify(report, null, 2)}\n`)}
        >
          <Download aria-hidden="true" size={22} /> JSON
        </button>
        <button type="button" className="button button-primary" onClick={onClose}>
          {t("terminal.shift.close")}
        </button>
      </div>
    </section>
  );
}

export function OperatorMenu({
  engine,
  shift,
  currency,
  onCloseShift,
  onDone,
}: {
  engine: TerminalEngine;
  shift: ShiftTally;
  currency: CurrencyInfo | null;
  onCloseShift: () => void;
  onDone: () => void;
}) {
  const t = useT();
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [sync, setSync] = useState<"idle" | "working" | "done" | "failed">("idle");
  const snapshot = engine.getSnapshot();

  function showReport() {
    setReport({
      ...shift,
      closedAt: Date.now(),
      terminalId: snapshot.terminal?.terminalId ?? null,
      terminalName: snapshot.terminal?.name ?? null,
      currency: currency?.code ?? null,
      eventsWaiting: snapshot.outbox.depth,
    });
  }

  async function syncNow() {
    setSync("working");
    try {
      await engine.syncNow();
      await engine.uploadOutbox();
      setSync("done");
    } catch {
      setSync("failed");
    }
  }

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="operator-title">
      <div className="dialog dialog-wide">
        <div className="dialog-head">
          <h2 id="operator-title">{t("terminal.operator.title")}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label={t("terminal.operator.done")}
            onClick={onDone}
          >
            <X aria-hidden="true" size={24} />
          </button>
        </div>
        {report ? (
          <ShiftReportView
            report={report}
            currency={currency}
            onClose={() => {
              onCloseShift();
              setReport(null);
              onDone();
            }}
          />
        ) : (
          <>
            <LanguageSwitch />
            <div className="operator-actions">
              <button type="button" className="button button-primary" onClick={showReport}>
                {t("terminal.shift.show")}
              </button>
              <button
                type="button"
                className="button button-quiet"
                disabled={sync === "working"}
                onClick={() => void syncNow()}
              >
                <RefreshCw aria-hidden="true" size={22} /> {t("terminal.operator.sync")}
              </button>
              <Link to="/" className="button button-quiet">
                <ArrowLeft aria-hidden="true" size={22} />
                {t("terminal.exit")}
              </Link>
            </div>
            {sync === "done" ? <p className="notice">{t("terminal.operator.synced")}</p> : null}
            {sync === "failed" ? (
              <p className="notice notice-bad">{t("terminal.operator.syncFailed")}</p>
            ) : null}
            <dl className="terminal-facts">
              <dt>{t("terminal.operator.terminal")}</dt>
              <dd>
                {snapshot.terminal?.name} · #{snapshot.terminal?.terminalNumber} ·{" "}
                {snapshot.terminal?.terminalId}
              </dd>
              <dt>{t("terminal.operator.versions")}</dt>
              <dd>
                {t("terminal.operator.versionsValue", {
                  policy: snapshot.policyVersion ?? "–",
                  catalog: snapshot.catalogVersion ?? "–",
                  denyList: snapshot.denyListVersion,
                })}
              </dd>
            </dl>
          </>
        )}
      </div>
    </div>
  );
}
