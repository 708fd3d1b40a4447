import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { payloadBytes } from "../card/payload.ts";
import { cardImageFromRead } from "../card/read.ts";
import { createTestScheme, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";
import { verifyCard } from "./verify-card.ts";

describe("the card decoder under hostile bytes", () => {
  it("never throws and never accepts random payloads of any length", async () => {
    const scheme = await createTestScheme();
    const context = scheme.context();
    const uid = Uint8Array.from([4, 1, 2, 3, 4, 5, 6]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 1000 }),
          fc.uint8Array({ minLength: payloadBytes(4), maxLength: payloadBytes(4) }),
        ),
        async (payload) => {
          const verdict = await verifyCard({ uid, payload }, context);
          expect(verdict.kind).not.toBe("valid");
        },
      ),
      { numRuns: 400 },
    );
  });

  it("never throws and never accepts a mutated real card unless the result is a signed original slot", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const card = new VirtualNtag({ model: "NTAG215" });
    await tapVirtualCard(scheme, station, card, { op: "issue" });
    await tapVirtualCard(scheme, station, card, { op: "topup", amount: 900, authorisationId: "a" });
    const image = cardImageFromRead(card.read());
    const payload = image.payload!;
    const original = new Set(
      [0, 1].map((i) =>
        Array.from(payload.subarray(i * (payload.length / 2), (i + 1) * (payload.length / 2))).join(","),
      ),
    );
    const context = scheme.context();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(payload.length - 1), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: -8, max: 8 }),
        async (edits, resize) => {
          let mutated = payload.slice();
          for (const { at, value } of edits) mutated[at] = value;
          if (resize > 0) mutated = Uint8Array.from([...mutated, ...new Array(resize).fill(0)]);
          if (resize < 0) mutated = mutated.slice(0, mutated.length + resize);
          const verdict = await verifyCard({ uid: image.uid, payload: mutated }, context);
          if (verdict.kind === "valid")
            expect(original.has(Array.from(verdict.state.bytes).join(","))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
