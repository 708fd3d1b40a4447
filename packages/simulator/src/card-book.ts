/**
 * The simulation's own book of one card: the value the taps that reached it put there, kept apart from what
 * the chip and reconciliation say so that the three can be compared. A write is recognised by the chain
 * heads of its states, never by balances (two states can hold the same balance). An unconfirmed write is
 * booked from what the chip shows when it is read again: the new state (it landed), the old one (it did not),
 * the state before the old one (a garbled page undid the previous write too, ADR 0002), or nothing that
 * verifies (it settles when a station restores the card from the reconciled ledger).
 */
import {
  type CardSession,
  type CardVerdict,
  type Operation,
  type OperationRequest,
  type TerminalEvent,
  verdictState,
} from "@tessera/protocol";

/** A write as the book remembers it: enough to recognise its states and to undo its value. */
export interface BookedWrite {
  eventId: string;
  op: Operation;
  /** Value it moved onto (+) or off (−) the card. */
  delta: number;
  /** Chain head of the state it was written over (null for an issue). */
  chainBefore: string | null;
  /** Chain head of the state it wrote. */
  chainAfter: string;
}

/** What a reader with the backend's public keys sees on the chip: its chain head and session. */
export interface ChipState {
  chain: string;
  session: CardSession | null;
}

/** What a chip shows a reader with only the backend's public keys; null when nothing on it verifies. */
export function chipStateOf(verdict: CardVerdict): ChipState | null {
  const state = verdictState(verdict);
  return state ? { chain: state.chain, session: state.session } : null;
}

/**
 * Value a request moves by the simulation's own reckoning (never the terminal's report): what the request
 * names, the policy's entry fee for a check-in, and for a pay-out the whole balance the book holds.
 */
export function valueMoved(request: OperationRequest, entryFee: number, book: CardBook): number {
  switch (request.op) {
    case "topup":
    case "refund":
      return request.amount;
    case "debit":
    case "checkout":
      return -request.amount;
    case "checkin":
      return -entryFee;
    case "payout":
      return -book.expected;
    default:
      return 0;
  }
}

/** The write an event reports, as the book remembers it. */
export function bookedWrite(event: TerminalEvent, delta: number): BookedWrite {
  return {
    eventId: event.id,
    op: event.op,
    delta,
    chainBefore: event.card.chainBefore,
    chainAfter: event.card.chainAfter,
  };
}

/** How an unconfirmed write was settled by the chip read right after it. */
export type TearOutcome = "landed" | "lost" | "rolled_back" | "unreadable" | "unexplained";

/** How a station's restore settled the write that left the card reading as nothing. */
export type RestoreSettlement = "applied" | "void" | "neither";

export class CardBook {
  /** Top-ups minus debits of the writes that reached the card, plus value given back by tears. */
  expected = 0;
  topups = 0;
  debits = 0;
  /** Value given back by tears that undid a write (negative when an undone write was a top-up). */
  recovered = 0;
  inSession = false;
  /** The newest write on the card: a garbled tear of the next write can undo it. */
  last: BookedWrite | null = null;
  /** Writes a tear undid; reconciliation names each in a `tear_recovery` flag once the card is written again. */
  readonly undone: BookedWrite[] = [];
  /** A tear undid `last` and nothing has been written since: until then the ledger still holds the undone write. */
  rolledBack = false;
  /** An unconfirmed write after which nothing on the chip verifies: the card waits for a station's restore. */
  awaitingRestore: BookedWrite | null = null;
  /** Unconfirmed writes a restore left out; reconciliation names each in the reissue's `tear_recovery` flag. */
  readonly leftOutByRestores: BookedWrite[] = [];

  /** A write that reached the card: confirmed by the terminal, or found on the chip after a tear. */
  applied(write: BookedWrite, onChip: ChipState): void {
    this.#move(write.delta);
    this.inSession = onChip.session !== null;
    this.last = write;
    this.rolledBack = false;
  }

  /** Books a write the terminal could not confirm, from the chip read right after (null: nothing verifies). */
  unconfirmed(write: BookedWrite, onChip: ChipState | null): TearOutcome {
    if (onChip === null) {
      this.awaitingRestore = write;
      return "unreadable";
    }
    if (onChip.chain === write.chainAfter) {
      this.applied(write, onChip);
      return "landed";
    }
    if (onChip.chain === write.chainBefore) return "lost";
    const previous = this.last;
    if (previous && onChip.chain === previous.chainBefore) {
      // The previous write is undone on the card: its value is given back, and reconciliation settles it as
      // lost to a tear once the card's next (recovered) write arrives.
      this.expected -= previous.delta;
      this.recovered -= previous.delta;
      this.undone.push(previous);
      this.last = null;
      this.rolledBack = true;
      this.inSession = onChip.session !== null;
      return "rolled_back";
    }
    return "unexplained";
  }

  /**
   * Settles the write that left the card reading as nothing by the state a station restores from (what
   * `GET /v1/cards/{id}/restore` answers): the write is applied if the restore starts from it, void if it
   * starts just before it (reconciliation restores from before a write its terminal never confirmed). The
   * restore itself moves no value; the balance it writes must equal this book.
   */
  restoredFrom(ledgerChain: string): RestoreSettlement {
    const torn = this.awaitingRestore;
    if (!torn) throw new Error("no write of this card is waiting for a restore");
    this.awaitingRestore = null;
    if (ledgerChain === torn.chainAfter) {
      this.#move(torn.delta);
      return "applied";
    }
    if (ledgerChain !== torn.chainBefore) return "neither";
    this.leftOutByRestores.push(torn);
    return "void";
  }

  #move(delta: number): void {
    this.expected += delta;
    if (delta > 0) this.topups += delta;
    else this.debits -= delta;
  }
}
