/** The deny list: wire schemas, the compact binary form and the in-memory list terminals enforce. */
export {
  type CompactDenyList,
  type CompactDenyListDelta,
  type CompactDenyListSnapshot,
  DENY_LIST_MAGIC,
  decodeDenyListBinary,
  encodeDenyListBinary,
  type TerminalRevocation,
} from "./binary.ts";
export { cardIdToBigInt, cardIdToHex } from "./card-id.ts";
export * from "./deny-list.ts";
export * from "./diff.ts";
export * from "./entries.ts";
export * from "./errors.ts";
