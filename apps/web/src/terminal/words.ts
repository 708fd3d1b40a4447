// Message keys for the codes the engine and the protocol return: every refusal, verdict, card status and
// operation has words in each catalog, and a code without them is a type error here.
import { type CardStatus, type CardVerdictKind, type Operation, REFUSAL_CODES } from "@tessera/protocol";
import { ENGINE_REFUSAL_CODES, type Settlement, type TapRefusalCode } from "@tessera/terminal-engine";
import type { MessageKey } from "../i18n/index.ts";

const REFUSAL_CODE_SET: ReadonlySet<string> = new Set([...REFUSAL_CODES, ...ENGINE_REFUSAL_CODES]);

export function refusalKey(code: TapRefusalCode): MessageKey {
  const key: `terminal.refusal.${TapRefusalCode}` = `terminal.refusal.${code}`;
  return key;
}

/** A refusal code from a newer engine than this catalog falls back to a general sentence. */
export function refusalKeyOf(code: string): MessageKey {
  return (REFUSAL_CODE_SET.has(code) ? `terminal.refusal.${code}` : "terminal.refusal.other") as MessageKey;
}

export function verdictKey(kind: CardVerdictKind): MessageKey {
  const key: `terminal.verdict.${CardVerdictKind}` = `terminal.verdict.${kind}`;
  return key;
}

export function cardStatusKey(status: CardStatus): MessageKey {
  const key: `terminal.cardStatus.${CardStatus}` = `terminal.cardStatus.${status}`;
  return key;
}

export function operationKey(op: Operation): MessageKey {
  const key: `terminal.op.${Operation}` = `terminal.op.${op}`;
  return key;
}

export function doneKey(op: Operation): MessageKey {
  const key: `terminal.done.${Operation}` = `terminal.done.${op}`;
  return key;
}

/** What a read said of an earlier tap of the card whose write had not been confirmed. */
export function settledKey(outcome: Settlement["outcome"]): MessageKey {
  const key: `terminal.result.settled.${Settlement["outcome"]}` = `terminal.result.settled.${outcome}`;
  return key;
}
