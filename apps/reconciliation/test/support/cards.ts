/** Card life for tests: a blank virtual NTAG215 issued (and optionally topped up) by a station. */
import type { OperationRequest, TerminalEvent } from "@tessera/protocol";
import { readVirtualCard, type TestScheme } from "@tessera/protocol/testing";
import { VirtualNtag } from "@tessera/protocol/virtual-card";
import { authoriseTopup } from "./http.ts";
import { nowSeconds, type TerminalSetup, tap } from "./scheme.ts";

export interface IssuedCard {
  card: VirtualNtag;
  cardId: string;
  events: TerminalEvent[];
}

export async function issueCard(
  scheme: TestScheme,
  station: TerminalSetup,
  options: { topup?: number; now?: number } = {},
): Promise<IssuedCard> {
  const now = options.now ?? nowSeconds();
  const card = new VirtualNtag({ model: "NTAG215" });
  const issued = await tap(scheme, station, card, { op: "issue" }, { now });
  const cardId = issued.event.card.id;
  const events = [issued.event];
  if (options.topup) {
    const authorisationId = await authoriseTopup(station, cardId, options.topup);
    events.push(
      (await tap(scheme, station, card, { op: "topup", amount: options.topup, authorisationId }, { now }))
        .event,
    );
  }
  return { card, cardId, events };
}

/**
 * A write torn so that the card rolls back one state (ADR 0002: a garbled page in the slot being rewritten
 * unchanged): tries each page until the card reads as the state before its current one, flagged recovered.
 * The card must hold its current state in slot 0 (an odd number of writes after the issue).
 */
export async function tornWrite(
  scheme: TestScheme,
  setup: TerminalSetup,
  card: VirtualNtag,
  request: OperationRequest,
  rolledBackTo: number,
): Promise<TerminalEvent> {
  const snapshot = card.snapshot();
  const seq = setup.terminal.seq;
  const usage = setup.terminal.usage;
  for (let atPage = 5; atPage < 160; atPage++) {
    card.restore(snapshot);
    setup.terminal.seq = seq;
    setup.terminal.usage = usage;
    const attempt = await tap(scheme, setup, card, request, { write: { tear: { atPage, model: "garble" } } });
    const verdict = await readVirtualCard(card, scheme.context());
    if (
      attempt.torn &&
      verdict.kind === "valid" &&
      verdict.recovered &&
      verdict.state.counter === rolledBackTo
    )
      return attempt.event;
  }
  throw new Error("no tear page rolled the card back");
}
