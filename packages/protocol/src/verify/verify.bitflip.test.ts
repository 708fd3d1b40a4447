import { describe, expect, it } from "vitest";
import { splitPayload } from "../card/payload.ts";
import { cardImageFromRead } from "../card/read.ts";
import { equalBytes } from "../encoding/bytes.ts";
import { createTestScheme, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";
import { verifyCard } from "./verify-card.ts";

describe("flipping any single bit of a valid image", () => {
  it("never yields an accepted state that differs from one a terminal signed", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const pos = await scheme.terminal({ role: "pos" });
    const card = new VirtualNtag({ model: "NTAG215" });
    await tapVirtualCard(scheme, station, card, { op: "issue" });
    await tapVirtualCard(scheme, station, card, { op: "topup", amount: 5000, authorisationId: "a" });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 250 });
    const image = cardImageFromRead(card.read());
    const payload = image.payload!;
    const [s0, s1] = splitPayload(payload)!;
    const original = await verifyCard(image, scheme.context());
    if (original.kind !== "valid") throw new Error("setup");
    const newest = original.activeSlot === 0 ? s0 : s1;
    const older = original.activeSlot === 0 ? s1 : s0;
    const context = scheme.context();

    let accepted = 0;
    let fallbacks = 0;
    for (let bit = 0; bit < payload.length * 8; bit++) {
      const flipped = payload.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const verdict = await verifyCard({ uid: image.uid, payload: flipped }, context);
      if (verdict.kind !== "valid") continue;
      accepted++;
      // Whatever is accepted must be byte-identical to a slot a terminal signed, never the flipped one…
      const bytes = verdict.state.bytes;
      expect(equalBytes(bytes, newest) || equalBytes(bytes, older), `bit ${bit}`).toBe(true);
      // …and the reader must know the card is damaged.
      expect(verdict.recovered, `bit ${bit}`).toBe(true);
      if (equalBytes(bytes, older)) fallbacks++;
    }
    // Flips in the older slot leave the newest state readable; flips in the newest fall back to the older one.
    expect(accepted).toBeGreaterThan(0);
    expect(fallbacks).toBeGreaterThan(0);
  }, 60_000);

  it("with the chip UID changed by one bit, no state is accepted", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const card = new VirtualNtag({ model: "NTAG215" });
    await tapVirtualCard(scheme, station, card, { op: "issue" });
    const image = cardImageFromRead(card.read());
    for (let bit = 0; bit < 56; bit++) {
      const uid = image.uid.slice();
      uid[bit >> 3]! ^= 1 << (bit & 7);
      expect((await verifyCard({ uid, payload: image.payload }, scheme.context())).kind).not.toBe("valid");
    }
  });
});
