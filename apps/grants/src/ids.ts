/** Ids this Worker mints: a short prefix naming the kind, then 80 random bits in hex. */
import { toHex } from "@tessera/protocol";

export type IdPrefix = "trm" | "enr" | "grt";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${toHex(crypto.getRandomValues(new Uint8Array(10)))}`;
}
