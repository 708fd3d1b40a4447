/**
 * The fleet-readiness gate on key rotation (ADR 0005), on a deployment whose keys are all legacy
 * dual-purpose ones: publishing the first split version waits until reconciliation's FleetService (the
 * stand-in) says every active terminal verifies split keys, or an admin overrides with a reason; rotations
 * after it never ask.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { keyRing } from "../src/keys/keyring.ts";
import { admin, auditEntries, auditor, call, json, problemOf } from "./helpers.ts";
import { insertLegacyKey } from "./legacy-key.ts";

interface FleetStub {
  setFleet(setup: {
    behind?: Record<string, unknown[]>;
    unknown?: Record<string, unknown[]>;
    down?: boolean;
  }): Promise<void>;
  questions(): Promise<string[][]>;
}
const fleet = env.FLEET as unknown as FleetStub;

const straggler = (n: number) => ({
  terminalId: `trm_${n}`,
  terminalNumber: n,
  role: "pos",
  locationId: "bar",
  softwareVersion: "1.0.0",
  lastReportAt: 1_800_000_000,
});

async function rotate(body?: Record<string, unknown>, requestId?: string) {
  const headers = { ...(await admin()), ...(requestId ? { "X-Request-Id": requestId } : {}) };
  return call("/v1/keys/rotate", body ? json(body, headers) : { method: "POST", headers });
}

async function versions(): Promise<{ version: number; dualPurpose: boolean; status: string }[]> {
  const listed = (await (await call("/v1/keys", { headers: await auditor() })).json()) as {
    keys: { version: number; dualPurpose: boolean; status: string }[];
  };
  return listed.keys;
}

beforeAll(async () => {
  // This file's database is its own: a deployment that has only the legacy version 1.
  await insertLegacyKey(1);
  keyRing(env).forget();
});

afterEach(() => fleet.setFleet({}));

describe("rotating to the first split key version", () => {
  it("is refused while active terminals are behind or unknown, naming them, and publishes nothing", async () => {
    await fleet.setFleet({
      behind: { split_keys: [straggler(3)] },
      unknown: { split_keys: [straggler(8), straggler(9)] },
    });
    const response = await rotate();
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 409, code: "fleet_not_ready" });
    expect(problem.detail).toContain("key version 2");
    expect(problem.detail).toContain("split_keys: 1 behind (trm_3), 2 unknown (trm_8, trm_9)");
    expect(problem.readiness).toMatchObject({
      ready: false,
      capabilities: [{ capability: "split_keys", behind: { count: 1 }, unknown: { count: 2 } }],
    });
    expect((await fleet.questions()).at(-1)).toEqual(["split_keys"]);
    expect((await versions()).map((key) => key.version)).toEqual([1]);
  });

  it("is refused, override or not, when reconciliation cannot say (fail safe)", async () => {
    await fleet.setFleet({ down: true });
    for (const body of [undefined, { override: true, reason: "urgent" }]) {
      const problem = await problemOf(await rotate(body));
      expect(problem).toMatchObject({ status: 503, code: "fleet_readiness_unavailable" });
    }
    expect((await versions()).map((key) => key.version)).toEqual([1]);
  });

  it("takes an override only with a reason", async () => {
    await fleet.setFleet({ behind: { split_keys: [straggler(3)] } });
    expect(await problemOf(await rotate({ override: true }))).toMatchObject({
      status: 422,
      code: "validation_failed",
    });
    expect((await versions()).map((key) => key.version)).toEqual([1]);
  });

  it("publishes on an admin's override with a reason, audited with the readiness it overrode", async () => {
    await fleet.setFleet({ behind: { split_keys: [straggler(3)] } });
    const response = await rotate({ override: true, reason: "trm_3 is being replaced" }, "split-override");
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ version: 2, dualPurpose: false, kid: "tessera-grant-2" });
    const entry = (await auditEntries()).find(
      (candidate) => candidate.action === "key.publish" && candidate.requestId === "split-override",
    );
    expect(entry?.detail.fleet).toMatchObject({
      capabilities: ["split_keys"],
      ready: false,
      overridden: true,
      reason: "trm_3 is being replaced",
      readiness: {
        activeTerminals: 4,
        capabilities: [
          { capability: "split_keys", ready: 3, behind: 1, unknown: 0, behindTerminals: ["trm_3"] },
        ],
      },
    });
  });

  it("asks nothing once a split version exists", async () => {
    const activated = await call(
      "/v1/keys/2/activate",
      json({ override: true, reason: "test: no grants outstanding" }, await admin()),
    );
    expect(activated.status).toBe(200);
    await fleet.setFleet({ down: true });
    const asked = (await fleet.questions()).length;
    const response = await rotate(undefined, "after-split");
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ version: 3, dualPurpose: false });
    expect((await fleet.questions()).length).toBe(asked);
    const entry = (await auditEntries()).find(
      (candidate) => candidate.action === "key.publish" && candidate.requestId === "after-split",
    );
    expect(entry?.detail).not.toHaveProperty("fleet");
  });
});
