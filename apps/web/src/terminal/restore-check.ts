// What a station tells the operator before it restores a card from the reconciled ledger, and when a second
// press of Restore goes ahead: once per card and set of figures, so a ledger that moved is warned of again.
import type { CardLedgerAnswer } from "@tessera/terminal-engine";
import type { MessageKey, MessageParams } from "../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "./money.ts";
import { operationKey } from "./words.ts";

export interface RestoreWarning {
  key: MessageKey;
  params?: MessageParams;
}

/**
 * Warnings in the order they are shown: events of the card may still be on their way (a gap or a write
 * waiting to be connected), and the ledger's newest write was never confirmed, so the restore leaves it
 * out and writes the balance before it.
 */
export function restoreWarnings(
  ledger: CardLedgerAnswer,
  words: { t: (key: MessageKey) => string; currency: CurrencyInfo; locale: string },
): RestoreWarning[] {
  const warnings: RestoreWarning[] = [];
  if (ledger.complete === false) warnings.push({ key: "terminal.station.restoreIncomplete" });
  if (ledger.unconfirmed)
    warnings.push({
      key: "terminal.station.restoreUnconfirmed",
      params: {
        op: words.t(operationKey(ledger.unconfirmed.op)),
        amount: formatMoney(ledger.unconfirmed.amount, words.currency, words.locale),
        balance: formatMoney(ledger.balance, words.currency, words.locale),
      },
    });
  return warnings;
}

/** The figures a warning was given for: a second press goes ahead only while they stay the same. */
export function restoreFigures(cardId: string, ledger: CardLedgerAnswer): string {
  return `${cardId}:${ledger.counter}:${ledger.balance}:${ledger.chain}`;
}
