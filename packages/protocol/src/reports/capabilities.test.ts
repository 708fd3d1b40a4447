import { describe, expect, it } from "vitest";
import { FUTURE_LAYOUTS } from "../card/payload.ts";
import { fromBase64Url } from "../encoding/bytes.ts";
import { KEY_USES, kidForVersion, parseKid } from "../grant/keys.ts";
import { createTestScheme, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";
import { TERMINAL_CAPABILITIES, TerminalCapabilities } from "./capabilities.ts";
import { hasCapability, SPLIT_KEYS } from "./fleet-readiness.ts";

const ALL_LAYOUTS = Array.from({ length: FUTURE_LAYOUTS.max }, (_, i) => i + 1);

describe("this build's capabilities", () => {
  it("fit the schema a report carries them in", () => {
    expect(TerminalCapabilities.parse(TERMINAL_CAPABILITIES)).toEqual(TERMINAL_CAPABILITIES);
  });

  it("name exactly the layouts the writer writes when policy asks for them", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const writes: number[] = [];
    for (const layout of ALL_LAYOUTS) {
      scheme.policy.layouts.write = layout;
      const tap = await tapVirtualCard(scheme, station, new VirtualNtag({ model: "NTAG215" }), {
        op: "issue",
      });
      if (tap.result.ok) {
        // What it wrote names the layout policy asked for.
        expect(fromBase64Url(tap.result.event.card.slot)[0]).toBe(layout);
        writes.push(layout);
      } else expect(tap.result.refusal.code).toBe("layout_not_supported");
    }
    expect(TERMINAL_CAPABILITIES.layouts.write).toEqual(writes);
  });

  it("read every layout they write, so a terminal can read back what it wrote", () => {
    for (const layout of TERMINAL_CAPABILITIES.layouts.write)
      expect(TERMINAL_CAPABILITIES.layouts.read).toContain(layout);
  });

  it("name exactly the kinds of key id the key-id parser reads", () => {
    const read = (["dual", "grant", "certificate"] as const).filter(
      (use) => parseKid(kidForVersion(7, use))?.use === use,
    );
    expect([...TERMINAL_CAPABILITIES.keyUses].sort()).toEqual([...read].sort());
    expect([...KEY_USES].sort()).toEqual([...read].sort());
  });

  it("make this build ready for split keys and for the layouts it handles, and for nothing else", () => {
    expect(hasCapability(TERMINAL_CAPABILITIES, SPLIT_KEYS)).toBe(true);
    for (const layout of ALL_LAYOUTS) {
      expect(hasCapability(TERMINAL_CAPABILITIES, `reads_layout:${layout}`)).toBe(
        TERMINAL_CAPABILITIES.layouts.read.includes(layout),
      );
      expect(hasCapability(TERMINAL_CAPABILITIES, `writes_layout:${layout}`)).toBe(
        TERMINAL_CAPABILITIES.layouts.write.includes(layout),
      );
    }
  });
});
