/**
 * The history hash chain: each state's chain head commits to the previous head and to what this write did,
 * so a sequence of states (on a card, or as events at reconciliation) proves it was not reordered, cut or
 * spliced. Truncated to 16 bytes: the chain links states; authenticity comes from the signatures.
 */

import { sha256 } from "../crypto/ed25519.ts";
import { concatBytes, tag } from "../encoding/bytes.ts";
import { CHAIN_BYTES, OFFSET } from "./layout-v1.ts";

const CHAIN_TAG = tag("tessera.chain.v1");
/** The chain head "before" a card's first state. */
export const GENESIS_CHAIN = new Uint8Array(CHAIN_BYTES);

/**
 * Computes the chain head of a state from its parent's head, the state's prefix bytes (header, wallet,
 * session, grant; i.e. [0, 27), everything before the chain head), the operation and amount of its newest history entry, and its writer.
 */
export async function nextChainHead(
  previous: Uint8Array,
  prefix: Uint8Array,
  newestEntry: Uint8Array,
  terminalNumber: number,
): Promise<Uint8Array> {
  const writer = new Uint8Array(4);
  new DataView(writer.buffer).setUint32(0, terminalNumber);
  const digest = await sha256(
    concatBytes(CHAIN_TAG, previous, prefix.subarray(0, OFFSET.chain), newestEntry.subarray(0, 4), writer),
  );
  return digest.slice(0, CHAIN_BYTES);
}
