/**
 * How a kiosk waits for a card: one interface over the Web NFC radio and demo mode's virtual cards, so the
 * terminal screens never know which one they talk to.
 */
import type { CardTransport } from "@tessera/protocol";

export type CardSource = "web-nfc" | "demo";

export interface CardPresenter {
  readonly source: CardSource;
  /**
   * Resolves with a transport for the next card held to the reader; the transport reads and writes that one
   * card. Rejects with an AbortError when `signal` aborts (the operator cancelled, the screen changed).
   */
  nextCard(signal: AbortSignal): Promise<CardTransport>;
}

export function abortError(): DOMException {
  return new DOMException("waiting for a card was cancelled", "AbortError");
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
