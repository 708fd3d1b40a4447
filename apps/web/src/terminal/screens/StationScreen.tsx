// Station: issue new cards, top up (online, cash taken at the desk), pay out the rest of a balance (online),
// block a card, and restore a lost card's balance onto a new one from the reconciled ledger (online).
import { CARD_STATUSES, type CardStatus } from "@tessera/protocol";
import type { TerminalEngine } from "@tessera/terminal-engine";
import { useState } from "react";
import { useI18n } from "../../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "../money.ts";
import { type RestoreWarning, restoreFigures, restoreWarnings } from "../restore-check.ts";
import type { TapRunner } from "../useTapRunner.ts";
import { cardStatusKey } from "../words.ts";

/** Top-up buttons in whole currency units; the usual notes at a cash desk. */
const QUICK_TOPUPS = [5, 10, 20, 50];
const BLOCK_REASONS = CARD_STATUSES.filter(
  (status): status is Exclude<CardStatus, "active"> => status !== "active",
);

export function StationScreen({
  engine,
  runner,
  currency,
  online,
}: {
  engine: TerminalEngine;
  runner: TapRunner;
  currency: CurrencyInfo;
  online: boolean;
}) {
  const { t, locale } = useI18n();
  const [blockReason, setBlockReason] = useState<Exclude<CardStatus, "active">>("blocked_lost");
  const [restoreId, setRestoreId] = useState("");
  const [restoreNotice, setRestoreNotice] = useState<RestoreWarning | null>(null);
  const unit = 10 ** currency.minorUnit;

  // The operator is told what a restore may miss or leave out (restore-check.ts), and a second press of
  // Restore for the same card and figures goes ahead (docs/operations.md).
  const [warnedFor, setWarnedFor] = useState<string | null>(null);

  async function restore() {
    setRestoreNotice(null);
    const cardId = restoreId.trim().toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(cardId)) return setRestoreNotice({ key: "terminal.station.restoreBadId" });
    try {
      const ledger = await engine.cardLedger(cardId);
      const [warning] = restoreWarnings(ledger, { t, currency, locale });
      const figures = restoreFigures(cardId, ledger);
      if (warning && warnedFor !== figures) {
        setWarnedFor(figures);
        return setRestoreNotice(warning);
      }
      setWarnedFor(null);
      runner.run({
        op: "reissue",
        restore: { cardId, balance: ledger.balance, counter: ledger.counter, chain: ledger.chain },
      });
    } catch {
      setRestoreNotice({ key: "terminal.station.restoreFailed" });
    }
  }

  return (
    <div className="station">
      <section className="station-group">
        <h2>{t("terminal.op.issue")}</h2>
        <button type="button" className="button button-primary" onClick={() => runner.run({ op: "issue" })}>
          {t("terminal.station.issue")}
        </button>
      </section>
      <section className="station-group">
        <h2>{t("terminal.op.topup")}</h2>
        {!online ? <p className="hint">{t("terminal.station.onlineOnly")}</p> : null}
        <div className="quick-amounts">
          {QUICK_TOPUPS.map((whole) => (
            <button
              key={whole}
              type="button"
              className="button button-primary"
              disabled={!online}
              onClick={() => runner.run({ op: "topup", amount: whole * unit })}
            >
              {t("terminal.station.topup", { amount: formatMoney(whole * unit, currency, locale) })}
            </button>
          ))}
        </div>
      </section>
      <section className="station-group">
        <h2>{t("terminal.op.payout")}</h2>
        <button
          type="button"
          className="button"
          disabled={!online}
          onClick={() => runner.run({ op: "payout" })}
        >
          {t("terminal.station.payout")}
        </button>
      </section>
      <section className="station-group">
        <h2>{t("terminal.op.block")}</h2>
        <label className="inline-field">
          <span>{t("terminal.station.blockReason")}</span>
          <select
            value={blockReason}
            onChange={(event) => setBlockReason(event.target.value as typeof blockReason)}
          >
            {BLOCK_REASONS.map((status) => (
              <option key={status} value={status}>
                {t(cardStatusKey(status))}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          onClick={() => runner.run({ op: "block", status: blockReason })}
        >
          {t("terminal.station.block")}
        </button>
      </section>
      <section className="station-group">
        <h2>{t("terminal.op.reissue")}</h2>
        <label className="inline-field">
          <span>{t("terminal.station.restoreId")}</span>
          <input
            value={restoreId}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setRestoreId(event.target.value)}
          />
        </label>
        <button type="button" className="button" disabled={!online} onClick={() => void restore()}>
          {t("terminal.station.restore")}
        </button>
        {restoreNotice ? (
          <p className="notice notice-bad" role="alert">
            {t(restoreNotice.key, restoreNotice.params)}
          </p>
        ) : null}
      </section>
    </div>
  );
}
