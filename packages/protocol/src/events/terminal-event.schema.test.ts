import { describe, expect, it } from "vitest";
import { TerminalEvent } from "./terminal-event.ts";

const SIG = "A".repeat(86);

const valid = {
  id: "5f0c6f0e-3c1b-4f7e-9a51-2d4f3b8e9c10",
  terminalId: "term_01HZX",
  terminalNumber: 4711,
  grantId: "grant_9f8e7d",
  seq: 1,
  at: 1_700_000_123,
  op: "debit",
  amount: 350,
  card: {
    id: "0a1b2c3d4e5f6071",
    uid: "04a1b2c3d4e5f6",
    counterBefore: 17,
    counterAfter: 18,
    balanceBefore: 2000,
    balanceAfter: 1650,
    chainBefore: "00112233445566778899aabbccddeeff",
    chainAfter: "ffeeddccbbaa99887766554433221100",
    slot: "AAECAwQF",
  },
  outcome: "confirmed",
  recovered: false,
  sig: SIG,
};

const blankCard = { ...valid.card, counterBefore: null, balanceBefore: null, chainBefore: null };

function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>;
  const keys = path.split(".");
  let parent = copy;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  if (value === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = value;
  return copy;
}

describe("terminal event schema", () => {
  it("accepts a well-formed event with the optional fields", () => {
    const parsed = TerminalEvent.parse({
      ...valid,
      productId: "coffee",
      locationId: "north",
      authorisationId: "auth_1",
    });
    expect(parsed.productId).toBe("coffee");
  });

  it("keeps unknown fields from newer terminals, at the top and on the card", () => {
    const parsed = TerminalEvent.parse({ ...valid, lane: 3, card: { ...valid.card, atqa: "0044" } });
    expect(parsed.lane).toBe(3);
    expect(parsed.card.atqa).toBe("0044");
  });

  it("accepts an issue from a blank card, with every before-value null", () => {
    expect(TerminalEvent.safeParse({ ...valid, op: "issue", card: blankCard }).success).toBe(true);
  });

  it("accepts the largest values each field allows", () => {
    const parsed = TerminalEvent.safeParse({
      ...valid,
      id: "e".repeat(64),
      terminalNumber: 0xffff_ffff,
      at: 0xffff_ffff,
      amount: Number.MAX_SAFE_INTEGER,
      card: { ...valid.card, counterAfter: 0xffff_ffff, balanceAfter: 0xffff_ffff },
    });
    expect(parsed.success).toBe(true);
  });

  it.each([
    ["id", ""],
    ["id", "e".repeat(65)],
    ["id", undefined],
    ["terminalId", ""],
    ["terminalId", 7],
    ["terminalNumber", -1],
    ["terminalNumber", 2 ** 32],
    ["terminalNumber", 1.5],
    ["grantId", ""],
    ["seq", 0],
    ["seq", 2.5],
    ["at", -1],
    ["at", "1700000123"],
    ["op", "steal"],
    ["amount", -1],
    ["amount", 1.5],
    ["amount", Number.MAX_SAFE_INTEGER + 1],
    ["card", undefined],
    ["card.id", "0A1B2C3D4E5F6071"],
    ["card.id", "0a1b2c3d4e5f607"],
    ["card.uid", "04a1b2c3d4e5f6aa"],
    ["card.counterBefore", -1],
    ["card.counterAfter", 2 ** 32],
    ["card.counterAfter", null],
    ["card.balanceBefore", 1.5],
    ["card.balanceAfter", -5],
    ["card.chainBefore", "0011"],
    ["card.chainAfter", null],
    ["card.slot", ""],
    ["card.slot", "AAEC+wQF"],
    ["card.slot", "AAECAwQF=="],
    ["outcome", "maybe"],
    ["recovered", "no"],
    ["productId", ""],
    ["sig", undefined],
    ["sig", "A".repeat(85)],
    ["sig", `${"A".repeat(85)}+`],
  ])("rejects %s = %j", (path, value) => {
    expect(TerminalEvent.safeParse(withField(path, value)).success).toBe(false);
  });

  it("rejects a blank-card start for anything but an issue", () => {
    const result = TerminalEvent.safeParse({ ...valid, op: "debit", card: blankCard });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["card", "counterBefore"]);
  });

  it("rejects a card that is half blank", () => {
    expect(
      TerminalEvent.safeParse({ ...valid, op: "issue", card: { ...blankCard, balanceBefore: 0 } }).success,
    ).toBe(false);
    expect(TerminalEvent.safeParse(withField("card.chainBefore", null)).success).toBe(false);
  });
});
