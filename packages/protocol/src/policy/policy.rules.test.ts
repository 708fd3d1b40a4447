import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default.ts";
import type { PolicyDraft } from "./document.ts";
import { POLICY_RULES, type PolicyRule, validatePolicy } from "./validate.ts";

/** A fresh, deep copy of the default policy to break one rule in. */
function draft(edit: (policy: PolicyDraft) => void): PolicyDraft {
  const policy = structuredClone(DEFAULT_POLICY);
  edit(policy);
  return policy;
}

const BREAKS: Record<PolicyRule, (policy: PolicyDraft) => void> = {
  "grant.refresh_margin_below_lifetime": (p) => {
    p.grant.refreshMarginSeconds = p.grant.lifetimeSeconds;
  },
  "clock_skew.below_grant_lifetime": (p) => {
    p.clockSkewSeconds = p.grant.lifetimeSeconds;
  },
  "layouts.write_is_readable": (p) => {
    p.layouts = { readable: [1], write: 2 };
  },
  "layouts.readable_unique": (p) => {
    p.layouts.readable = [1, 1];
  },
  "keys.accepted_versions_non_empty": (p) => {
    p.keys.acceptedVersions = [];
  },
  "keys.accepted_versions_unique": (p) => {
    p.keys.acceptedVersions = [2, 3, 2];
  },
  "roles.operations_within_ceiling": (p) => {
    p.roles.pos.operations = ["debit", "topup"];
  },
  "roles.operations_unique": (p) => {
    p.roles.gate.operations = ["checkin", "checkout", "checkin"];
  },
  "roles.per_transaction_within_cumulative": (p) => {
    p.roles.pos.offline = { perTransaction: 2_000, cumulativeValue: 1_000, cumulativeCount: 10 };
  },
  "roles.per_transaction_fits_card": (p) => {
    p.balanceCap = 0xffff_ffff;
    p.roles.station.offline = {
      perTransaction: 16_777_216,
      cumulativeValue: 20_000_000,
      cumulativeCount: 10,
    };
  },
  "balance_cap.covers_per_transaction": (p) => {
    p.balanceCap = 4_000;
  },
  "card_limits.daily_within_weekly": (p) => {
    p.cardLimits = { daily: 60_000, weekly: 50_000 };
  },
  "sessions.gate_checks_in_and_out": (p) => {
    p.sessions.required = true;
    p.roles.gate.operations = ["checkin"];
  },
  "sessions.entry_fee_within_gate_limit": (p) => {
    p.sessions = { required: true, maxMinutes: 60, entryFee: p.roles.gate.offline.perTransaction + 1 };
  },
  "reconciliation.window_covers_grant_lifetime": (p) => {
    p.reconciliation.missingEventWindowSeconds = p.grant.lifetimeSeconds - 1;
  },
  "auto_deny.no_benign_flags": (p) => {
    p.autoDenyFlags = ["clone_replay", "tear_recovery"];
  },
};

describe("validatePolicy", () => {
  it("accepts the default policy", () => {
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
  });

  for (const rule of POLICY_RULES) {
    it(`reports ${rule} when it is broken, and only that rule`, () => {
      const issues = validatePolicy(draft(BREAKS[rule]));
      expect(issues.length).toBeGreaterThan(0);
      expect(new Set(issues.map((issue) => issue.rule))).toEqual(new Set([rule]));
      for (const issue of issues) expect(issue.message).not.toBe("");
    });
  }

  it("points each issue at the field to fix", () => {
    const issues = validatePolicy(draft(BREAKS["roles.per_transaction_within_cumulative"]));
    expect(issues).toEqual([expect.objectContaining({ path: "roles.pos.offline.perTransaction" })]);
  });

  it("accepts an entry fee when sessions are off, since no gate charges it", () => {
    expect(
      validatePolicy(
        draft((p) => {
          p.sessions.entryFee = 1_000_000;
        }),
      ),
    ).toEqual([]);
  });

  it("accepts a per-transaction limit exactly at the card's 24-bit amount field", () => {
    const atLimit = draft((p) => {
      p.balanceCap = 0xffff_ffff;
      p.roles.station.offline = {
        perTransaction: 16_777_215,
        cumulativeValue: 16_777_215,
        cumulativeCount: 1,
      };
    });
    expect(validatePolicy(atLimit)).toEqual([]);
  });

  it("reports several broken rules at once", () => {
    const broken = draft((p) => {
      BREAKS["grant.refresh_margin_below_lifetime"](p);
      BREAKS["card_limits.daily_within_weekly"](p);
    });
    expect(validatePolicy(broken).map((issue) => issue.rule)).toEqual([
      "grant.refresh_margin_below_lifetime",
      "card_limits.daily_within_weekly",
    ]);
  });
});
