/** The card as reconciliation knows it: reconciled head, ledger, history and flags. */
import { z } from "@hono/zod-openapi";
import { CARD_STATUSES, FlagKind, Operation } from "@tessera/protocol";
import { SETTLEMENTS } from "../../ledger/index.ts";
import { FlagView } from "../flags/schemas.ts";

const CardStatus = z.enum(CARD_STATUSES);

export const LedgerEntryView = z
  .object({
    eventId: z.string(),
    sameStateEventIds: z.array(z.string()),
    counter: z.int(),
    op: Operation,
    amount: z.int(),
    balanceBefore: z.int().nullable(),
    balanceAfter: z.int(),
    chain: z.string(),
    writtenAt: z.int(),
    status: CardStatus,
    terminalId: z.string(),
    terminalNumber: z.int(),
    grantId: z.string(),
    outcome: z.enum(["confirmed", "uncertain"]),
    recovered: z.boolean(),
    settlement: z
      .enum(SETTLEMENTS)
      .describe(
        "settled: booked; superseded: lost to a tear, not booked (see tear_recovery); forked: a clone branch not followed; pending: waiting for the events that connect it",
      ),
    flags: z.array(FlagKind),
  })
  .openapi("LedgerEntry");

const UnconfirmedHead = z
  .object({
    eventId: z.string(),
    op: Operation,
    amount: z.int(),
    counter: z.int(),
    balanceAfter: z.int(),
  })
  .nullable()
  .describe(
    "The reconciled head when its terminal could not confirm the write and nothing was written over it: the card may never have held it, so a restore starts from the state before it and does not book it (the reissue's upload raises tear_recovery). Null when the head is confirmed.",
  )
  .openapi("UnconfirmedHead");

export const CardView = z
  .object({
    cardId: z.string(),
    balance: z.int().describe("Reconciled balance, minor units"),
    counter: z.int(),
    chain: z.string().describe("Chain head of the reconciled state"),
    status: CardStatus,
    headEventId: z.string(),
    issued: z.boolean().describe("The history starts at an issue the ledger holds"),
    complete: z.boolean().describe("No gap is held open and no state waits to be connected"),
    eventCount: z.int(),
    lastWrittenAt: z.int(),
    restore: z
      .object({
        cardId: z.string(),
        balance: z.int(),
        counter: z.int(),
        chain: z.string(),
        unconfirmed: UnconfirmedHead,
      })
      .describe(
        "What a station's reissue/restore writes from (operation `reissue`, `restore`): the newest state known to have reached the card",
      ),
    gaps: z.array(
      z.object({
        fromCounter: z.int(),
        toCounter: z.int(),
        beforeEventId: z.string(),
        flagAt: z.int().describe("When it is flagged missing_events if still open"),
      }),
    ),
    entries: z.array(LedgerEntryView).describe("The followed history oldest first, then every other state"),
    history: z
      .array(
        z.object({
          counter: z.int(),
          op: Operation,
          amount: z.int(),
          writtenAt: z.int(),
          terminalId: z.string(),
        }),
      )
      .describe("The last 20 settled operations, newest first"),
    flags: z.array(FlagView),
  })
  .openapi("Card");
export type CardView = z.infer<typeof CardView>;

export const CardSummary = z
  .object({
    cardId: z.string(),
    balance: z.int(),
    counter: z.int(),
    status: CardStatus,
    issued: z.boolean(),
    eventCount: z.int(),
    openGaps: z.int(),
    lastWrittenAt: z.int(),
    updatedAt: z.int(),
  })
  .openapi("CardSummary");

export const CardList = z
  .object({
    cards: z.array(CardSummary),
    next: z.string().nullable().describe("Pass as `after` for the next page"),
  })
  .openapi("CardList");

/** The part of a card a station needs to restore it, and nothing of the cardholder's history. */
export const CardRestoreView = z
  .object({
    cardId: z.string(),
    balance: z
      .int()
      .describe("Balance to write, minor units: that of the newest state known to have reached the card"),
    counter: z.int(),
    chain: z.string().describe("Chain head of that state"),
    status: CardStatus,
    unconfirmed: UnconfirmedHead,
    complete: z.boolean().describe("No gap is held open and no state waits to be connected"),
  })
  .openapi("CardRestore");
