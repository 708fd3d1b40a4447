import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default.ts";
import { PolicyDocument, PolicyDraft } from "./document.ts";
import { FlagKind } from "./flags.ts";

const published = { ...structuredClone(DEFAULT_POLICY), version: 3, publishedAt: "2026-01-05T10:00:00.000Z" };

describe("PolicyDocument", () => {
  it("accepts the default policy once versioned and published", () => {
    expect(PolicyDocument.parse(published)).toEqual(published);
  });

  it("keeps fields a newer console added, at every level, so an older reader re-hashes the same document", () => {
    const newer = structuredClone(published) as Record<string, unknown> & typeof published;
    newer.futureTopLevel = { a: 1 };
    (newer.roles.pos.offline as Record<string, unknown>).perHour = 500;
    const parsed = PolicyDocument.parse(newer);
    expect(parsed).toEqual(newer);
  });

  it("requires a version of at least 1 and an ISO publication time", () => {
    expect(PolicyDocument.safeParse({ ...published, version: 0 }).success).toBe(false);
    expect(PolicyDocument.safeParse({ ...published, publishedAt: "yesterday" }).success).toBe(false);
    expect(PolicyDocument.safeParse(DEFAULT_POLICY).success).toBe(false);
  });

  it.each([
    [
      "a lower-case currency code",
      (p: PolicyDraft) => {
        p.currency.code = "eur";
      },
    ],
    [
      "a minor unit above 4",
      (p: PolicyDraft) => {
        p.currency.minorUnit = 5;
      },
    ],
    [
      "a fractional amount",
      (p: PolicyDraft) => {
        p.roles.pos.offline.perTransaction = 1.5;
      },
    ],
    [
      "a negative amount",
      (p: PolicyDraft) => {
        p.cardLimits.daily = -1;
      },
    ],
    [
      "a balance cap beyond the card's 32-bit field",
      (p: PolicyDraft) => {
        p.balanceCap = 0x1_0000_0000;
      },
    ],
    [
      "an amount beyond safe integers",
      (p: PolicyDraft) => {
        p.cardLimits.weekly = 2 ** 53;
      },
    ],
    [
      "an unknown operation",
      (p: PolicyDraft) => {
        p.roles.pos.operations = ["steal" as "debit"];
      },
    ],
    [
      "an unknown flag",
      (p: PolicyDraft) => {
        p.autoDenyFlags = ["sneeze" as FlagKind];
      },
    ],
    [
      "a layout version beyond one byte",
      (p: PolicyDraft) => {
        p.layouts.write = 256;
      },
    ],
    [
      "a key version beyond one byte",
      (p: PolicyDraft) => {
        p.keys.acceptedVersions = [256];
      },
    ],
    [
      "a zero grant lifetime",
      (p: PolicyDraft) => {
        p.grant.lifetimeSeconds = 0;
      },
    ],
  ])("rejects %s", (_, edit) => {
    const draft = structuredClone(DEFAULT_POLICY);
    edit(draft);
    expect(PolicyDraft.safeParse(draft).success).toBe(false);
  });
});

describe("FlagKind", () => {
  it("names the flags reconciliation raises", () => {
    expect(FlagKind.safeParse("clone_replay").success).toBe(true);
    expect(FlagKind.safeParse("topup_unauthorised").success).toBe(true);
    expect(FlagKind.safeParse("made_up").success).toBe(false);
  });
});
