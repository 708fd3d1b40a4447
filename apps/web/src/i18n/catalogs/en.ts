// English messages: the source catalog whose keys every other language must translate.
import { balanceEn } from "./balance.en.ts";
import { consoleEn } from "./console.en.ts";
import { terminalEn } from "./terminal.en.ts";

export const en = {
  "language.name": "English",
  "language.switch": "Language",

  "app.title": "Tessera",
  "app.tagline": "Card payments that keep working offline",
  "app.description":
    "Tessera keeps the balance and a short, signed history on the NFC card itself, so terminals can take payments with no network. Everything is checked again when the terminal reconnects.",
  "app.entries": "Where do you want to go?",
  "app.skipToContent": "Skip to content",

  "nav.home": "Home",

  "entry.terminal.title": "Terminal",
  "entry.terminal.body": "Take payments, run a gate or a card station — also without a network.",
  "entry.console.title": "Console",
  "entry.console.body": "Enrol terminals, publish policy, follow reconciliation and the audit log.",
  "entry.balance.title": "Check my balance",
  "entry.balance.body": "Hold your card to an NFC phone to see your balance and recent history.",

  "principle.card.title": "The card carries its own state",
  "principle.card.body":
    "Balance, session and a tamper-evident history live on the card, signed by the terminal that wrote them.",
  "principle.grant.title": "Terminals act inside a grant",
  "principle.grant.body":
    "A short-lived, signed session grant limits what each terminal may do, and how much, while offline.",
  "principle.reconcile.title": "Every tap is reconciled",
  "principle.reconcile.body":
    "When terminals reconnect, each event is verified; clones, replays and tampering are flagged.",

  "notFound.title": "Page not found",
  "notFound.body": "There is nothing at this address.",
  "notFound.home": "Go to the start page",

  "error.title": "Something went wrong",
  "error.retry": "Try again",
  ...terminalEn,
  ...consoleEn,
  ...balanceEn,
} as const;

/** Every message key; a key missing from another catalog is a type error there. */
export type MessageKey = keyof typeof en;

/** A complete catalog for one language. */
export type MessageCatalog = Readonly<Record<MessageKey, string>>;
