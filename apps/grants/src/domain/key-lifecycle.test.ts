import { describe, expect, it } from "vitest";
import {
  activatableAt,
  activationRefusal,
  JWKS_PROPAGATION_SECONDS,
  type KeyFacts,
  publishesFirstSplitVersion,
  retirable,
} from "./key-lifecycle.ts";

const HOUR = 3600;
const policy = { grantLifetimeSeconds: 8 * HOUR, acceptedVersions: [1, 2] };
const published: KeyFacts = { version: 2, status: "published", publishedAt: 1_000_000, supersededAt: null };

describe("activating a published key", () => {
  it("waits one grant lifetime plus the JWKS cache time after publication", () => {
    const at = activatableAt(published, policy);
    expect(at).toBe(1_000_000 + 8 * HOUR + JWKS_PROPAGATION_SECONDS);
    expect(activationRefusal(published, policy, at - 1, false)?.reason).toBe("too_early");
    expect(activationRefusal(published, policy, at, false)).toBeUndefined();
  });

  it("may be hurried by an override, but never past a policy that does not accept the version", () => {
    expect(activationRefusal(published, policy, published.publishedAt, true)).toBeUndefined();
    const unaccepted = { ...policy, acceptedVersions: [1] };
    expect(activationRefusal(published, unaccepted, published.publishedAt + 100 * HOUR, true)?.reason).toBe(
      "not_accepted_by_policy",
    );
  });

  it("applies only to a published key", () => {
    for (const status of ["active", "previous", "retired"] as const)
      expect(activationRefusal({ ...published, status }, policy, 2_000_000_000, true)?.reason).toBe(
        "not_published",
      );
  });
});

describe("retiring a superseded key", () => {
  const previous: KeyFacts = { version: 1, status: "previous", publishedAt: 0, supersededAt: 2_000_000 };
  const noLongerAccepted = { acceptedVersions: [2] };
  const later = 2_000_000 + JWKS_PROPAGATION_SECONDS + 1;

  it("happens once nothing it signed is valid and the policy no longer accepts it", () => {
    expect(retirable(previous, 2_000_100, noLongerAccepted, later)).toBe(true);
    expect(retirable(previous, undefined, noLongerAccepted, later)).toBe(true);
  });

  it("waits for the last grant or certificate it signed to expire", () => {
    expect(retirable(previous, later + 10, noLongerAccepted, later)).toBe(false);
  });

  it("waits while the policy tells readers to accept it (cards written under it are still read)", () => {
    expect(retirable(previous, undefined, { acceptedVersions: [1, 2] }, later)).toBe(false);
  });

  it("waits until no isolate can still be signing with it", () => {
    expect(retirable(previous, undefined, noLongerAccepted, 2_000_000 + 10)).toBe(false);
  });

  it("never retires the active or a published key", () => {
    expect(retirable({ ...previous, status: "active" }, undefined, noLongerAccepted, later)).toBe(false);
    expect(retirable({ ...previous, status: "published" }, undefined, noLongerAccepted, later)).toBe(false);
  });
});

describe("the first split-purpose version", () => {
  it("is the next one while every version so far is legacy dual-purpose, and never after", () => {
    expect(publishesFirstSplitVersion([{ dualPurpose: true }])).toBe(true);
    expect(publishesFirstSplitVersion([{ dualPurpose: true }, { dualPurpose: true }])).toBe(true);
    expect(publishesFirstSplitVersion([{ dualPurpose: true }, { dualPurpose: false }])).toBe(false);
    expect(publishesFirstSplitVersion([{ dualPurpose: false }])).toBe(false);
    // A fresh deployment: its first version is made split on first use, before any terminal depends on it.
    expect(publishesFirstSplitVersion([])).toBe(false);
  });
});
