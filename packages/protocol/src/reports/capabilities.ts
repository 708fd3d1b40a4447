/**
 * What a build of the terminal software can do with cards and backend keys, as its reports say (ADR 0005):
 * the card layouts its codec reads and writes and the kinds of backend key id it verifies with. The values
 * are the constants the codec and the verifiers themselves use, so a build cannot report what it does not do.
 */
import { z } from "zod";
import { FUTURE_LAYOUTS, READABLE_LAYOUTS, WRITABLE_LAYOUTS } from "../card/payload.ts";
import { KEY_USES } from "../grant/keys.ts";

/** A card layout number as a slot header carries it: 1, or a future layout up to 15. */
export const CardLayoutNumber = z.int().min(1).max(FUTURE_LAYOUTS.max);

const Layouts = z.array(CardLayoutNumber).max(FUTURE_LAYOUTS.max);

export const TerminalCapabilities = z.looseObject({
  layouts: z.looseObject({
    read: Layouts.describe("Card layouts this build reads"),
    write: Layouts.describe("Card layouts this build writes when policy names them"),
  }),
  keyUses: z
    .array(z.string().min(1).max(32))
    .max(16)
    .describe(
      "Kinds of backend key id this build verifies with (ADR 0004): `dual` (tessera-N, a legacy version), `grant` (tessera-grant-N) and `certificate` (tessera-cert-N, read from the certificate key set). Kinds a newer build adds are kept",
    ),
});
export type TerminalCapabilities = z.infer<typeof TerminalCapabilities>;

/** This build's capabilities, as every report it sends carries them. */
export const TERMINAL_CAPABILITIES: TerminalCapabilities = {
  layouts: { read: [...READABLE_LAYOUTS], write: [...WRITABLE_LAYOUTS] },
  keyUses: [...KEY_USES],
};
