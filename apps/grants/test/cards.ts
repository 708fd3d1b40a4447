/** Cards in the grants Worker's tests: written as a terminal writes them, and validated online. */
import {
  applyOperation,
  DEFAULT_POLICY,
  decodeGrantUnverified,
  fromBase64Url,
  keysByVersion,
  type OperationRequest,
  toBase64Url,
  verifyCard,
} from "@tessera/protocol";
import { expect } from "vitest";
import { call, credential, type EnrolledTerminal, type GrantAnswer, json } from "./helpers.ts";

const POLICY = {
  balanceCap: DEFAULT_POLICY.balanceCap,
  layouts: { write: 1 },
  sessions: { required: false, entryFee: 0 },
};

export interface Card {
  uid: Uint8Array;
  payload: Uint8Array | null;
  cardId?: string;
}

export const blankCard = (): Card => ({ uid: crypto.getRandomValues(new Uint8Array(7)), payload: null });

/**
 * Writes a card the way a terminal does, with the certificate and device key from a real grant (or, for a
 * test of what readers refuse, another certificate for the same device key).
 */
export async function write(
  card: Card,
  terminal: EnrolledTerminal,
  answer: GrantAnswer,
  request: OperationRequest,
  now: number,
  certificate: Uint8Array = fromBase64Url(answer.certificate),
): Promise<Card> {
  const claims = decodeGrantUnverified(answer.grant)!.claims;
  // The terminal verifies offline before it writes, with the certificate keys that came with its grant.
  const keys = await keysByVersion(answer.certificateKeys, "certificate");
  const verdict = await verifyCard(card, {
    keys,
    policy: { readableLayouts: [1], acceptedKeyVersions: [1, 2] },
  });
  const result = await applyOperation({
    verdict,
    uid: card.uid,
    payload: card.payload,
    request,
    terminal: {
      terminalId: terminal.terminalId,
      terminalNumber: terminal.terminalNumber,
      certificate,
      deviceKey: terminal.device.privateKey,
    },
    grant: {
      grantId: claims.jti,
      grantSeq: claims.gseq,
      operations: claims.ops,
      limits: claims.limits,
      notBefore: claims.nbf,
      expiresAt: claims.exp,
    },
    policy: POLICY,
    usage: { value: 0, count: 0 },
    now,
    event: { id: crypto.randomUUID(), seq: 1 },
  });
  if (!result.ok) throw new Error(`card write refused: ${result.refusal.code} ${result.refusal.detail}`);
  return { uid: card.uid, payload: result.payload, cardId: result.state.cardId };
}

export async function validateCard(
  card: Card,
  headers: Record<string, string>,
  remembered?: { counter: number; chain: string },
) {
  const response = await call(
    "/v1/validate",
    json(
      {
        kind: "card",
        uid: toBase64Url(card.uid),
        payload: card.payload === null ? null : toBase64Url(card.payload),
        ...(remembered ? { remembered } : {}),
      },
      headers,
    ),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as {
    valid: boolean;
    verdict: string;
    reason?: string;
    recovered?: boolean;
    state?: {
      cardId: string;
      balance: number;
      counter: number;
      chain: string;
      terminalNumber: number;
      keyVersion: number;
    };
    denyListVersion: number;
  };
}

export const validator = () => credential({ kind: "service", scopes: ["grants:validate"] });
