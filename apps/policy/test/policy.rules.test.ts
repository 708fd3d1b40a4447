import { DEFAULT_POLICY, MAX_HISTORY_AMOUNT, POLICY_RULES, type PolicyDraft } from "@tessera/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { call, json, problemOf, tokenFor } from "./support/worker.ts";

function policy(edit: (draft: PolicyDraft) => void): PolicyDraft {
  const draft = structuredClone(DEFAULT_POLICY);
  edit(draft);
  return draft;
}

/**
 * One draft per cross-field rule that breaks that rule (and only that one, unless `alsoBreaks` says
 * which other rule cannot be avoided), and the field it must be reported on.
 */
const VIOLATIONS: Record<
  (typeof POLICY_RULES)[number],
  { path: string; draft: PolicyDraft; alsoBreaks?: (typeof POLICY_RULES)[number] }
> = {
  "grant.refresh_margin_below_lifetime": {
    path: "grant.refreshMarginSeconds",
    draft: policy((p) => {
      p.grant.refreshMarginSeconds = p.grant.lifetimeSeconds;
    }),
  },
  "clock_skew.below_grant_lifetime": {
    path: "clockSkewSeconds",
    draft: policy((p) => {
      p.clockSkewSeconds = p.grant.lifetimeSeconds;
    }),
  },
  "layouts.write_is_readable": {
    path: "layouts.write",
    draft: policy((p) => {
      p.layouts = { readable: [1], write: 2 };
    }),
  },
  "layouts.readable_unique": {
    path: "layouts.readable",
    draft: policy((p) => {
      p.layouts.readable = [1, 1];
    }),
  },
  "keys.accepted_versions_non_empty": {
    path: "keys.acceptedVersions",
    draft: policy((p) => {
      p.keys.acceptedVersions = [];
    }),
  },
  "keys.accepted_versions_unique": {
    path: "keys.acceptedVersions",
    draft: policy((p) => {
      p.keys.acceptedVersions = [1, 1];
    }),
  },
  "roles.operations_within_ceiling": {
    path: "roles.pos.operations",
    draft: policy((p) => {
      p.roles.pos.operations = [...p.roles.pos.operations, "topup"];
    }),
  },
  "roles.operations_unique": {
    path: "roles.pos.operations",
    draft: policy((p) => {
      p.roles.pos.operations = ["debit", "debit", "refund", "block"];
    }),
  },
  "roles.per_transaction_within_cumulative": {
    path: "roles.pos.offline.perTransaction",
    draft: policy((p) => {
      p.roles.pos.offline.cumulativeValue = p.roles.pos.offline.perTransaction - 1;
    }),
  },
  "roles.per_transaction_fits_card": {
    path: "roles.pos.offline.perTransaction",
    // The balance cap cannot exceed what a history entry records either, so it is broken too.
    alsoBreaks: "balance_cap.covers_per_transaction",
    draft: policy((p) => {
      p.balanceCap = MAX_HISTORY_AMOUNT;
      p.roles.pos.offline = {
        perTransaction: MAX_HISTORY_AMOUNT + 1,
        cumulativeValue: MAX_HISTORY_AMOUNT + 1,
        cumulativeCount: 10,
      };
    }),
  },
  "balance_cap.covers_per_transaction": {
    path: "balanceCap",
    draft: policy((p) => {
      p.balanceCap = p.roles.gate.offline.perTransaction;
      p.roles.pos.offline.perTransaction = p.balanceCap;
      p.roles.station.offline.perTransaction = p.balanceCap + 1;
    }),
  },
  "card_limits.daily_within_weekly": {
    path: "cardLimits.daily",
    draft: policy((p) => {
      p.cardLimits = { daily: 60_000, weekly: 50_000 };
    }),
  },
  "sessions.gate_checks_in_and_out": {
    path: "roles.gate.operations",
    draft: policy((p) => {
      p.sessions.required = true;
      p.roles.gate.operations = ["checkin", "block"];
    }),
  },
  "sessions.entry_fee_within_gate_limit": {
    path: "sessions.entryFee",
    draft: policy((p) => {
      p.sessions = { required: true, maxMinutes: 600, entryFee: p.roles.gate.offline.perTransaction + 1 };
    }),
  },
  "reconciliation.window_covers_grant_lifetime": {
    path: "reconciliation.missingEventWindowSeconds",
    draft: policy((p) => {
      p.reconciliation.missingEventWindowSeconds = p.grant.lifetimeSeconds - 1;
    }),
  },
  "auto_deny.no_benign_flags": {
    path: "autoDenyFlags",
    draft: policy((p) => {
      p.autoDenyFlags = [...p.autoDenyFlags, "tear_recovery"];
    }),
  },
};

let headers: Record<string, string>;
beforeAll(async () => {
  headers = (await tokenFor("auditor")).headers;
});

describe("policy validation: one clear policy_invalid problem per broken rule", () => {
  it("covers every rule the protocol defines", () => {
    expect(Object.keys(VIOLATIONS).sort()).toEqual([...POLICY_RULES].sort());
  });

  for (const [rule, { path, draft, alsoBreaks }] of Object.entries(VIOLATIONS)) {
    it(`reports ${rule} on ${path}`, async () => {
      const response = await call("/v1/policy/validate", json("POST", { document: draft }, headers));
      const problem = await problemOf(response);
      expect(problem.status).toBe(422);
      expect(problem.contentType).toBe("application/problem+json");
      expect(problem.code).toBe("policy_invalid");
      expect(problem.detail).toContain(rule);
      const expected = expect.objectContaining({ rule, path, message: expect.any(String) });
      if (alsoBreaks) {
        expect(problem.errors).toContainEqual(expected);
        expect(problem.errors?.map((error) => error.rule).sort()).toEqual([alsoBreaks, rule].sort());
      } else expect(problem.errors).toEqual([expected]);
    });
  }

  it("reports schema violations as policy_invalid with paths inside the document", async () => {
    const draft = policy((p) => {
      (p.currency as { code: string }).code = "euro";
      (p as { balanceCap: number }).balanceCap = 12.5;
    });
    const problem = await problemOf(
      await call("/v1/policy/validate", json("POST", { document: draft }, headers)),
    );
    expect(problem.code).toBe("policy_invalid");
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(["balanceCap", "currency.code"]);
    expect(problem.errors?.every((error) => error.rule === "schema")).toBe(true);
  });

  it("accepts the default policy", async () => {
    const response = await call("/v1/policy/validate", json("POST", { document: DEFAULT_POLICY }, headers));
    expect(response.status).toBe(200);
  });

  it("answers a body that is not a document request with validation_failed", async () => {
    const problem = await problemOf(await call("/v1/policy/validate", json("POST", { note: 5 }, headers)));
    expect(problem.status).toBe(422);
    expect(problem.code).toBe("validation_failed");
  });
});
