import type { FleetReadiness } from "@tessera/protocol";
import { TesseraError } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  FLEET_OVERRIDE_FIELDS,
  fleetBinding,
  fleetOverrideOf,
  overrideNeedsReason,
  requireFleetReady,
} from "./fleet-gate.ts";

const terminal = {
  terminalId: "trm_7",
  terminalNumber: 7,
  role: "pos",
  locationId: "bar",
  softwareVersion: "1.0.0",
  lastReportAt: 1,
};

function answer(behind: number): FleetReadiness {
  return {
    at: 1_800_000_000,
    staleAfterSeconds: 604_800,
    activeTerminals: 3,
    ready: behind === 0,
    capabilities: [
      {
        capability: "split_keys",
        ready: 3 - behind,
        behind: { count: behind, terminals: behind ? [terminal] : [] },
        unknown: { count: 0, terminals: [] },
      },
    ],
  };
}

const source = (reply: () => Promise<unknown>) => ({ readiness: reply });
const request = { change: "Rotating to split keys", capabilities: ["split_keys"] };

async function refusal(promise: Promise<unknown>): Promise<TesseraError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TesseraError)) throw new Error(`expected a TesseraError, got ${String(error)}`);
  return error;
}

describe("the fleet-readiness gate", () => {
  it("lets a change through when every active terminal is ready, saying so for the audit log", async () => {
    const passed = await requireFleetReady(
      source(async () => answer(0)),
      request,
    );
    expect(passed.overridden).toBe(false);
    expect(passed.audit).toMatchObject({ capabilities: ["split_keys"], ready: true, overridden: false });
    expect(passed.audit).not.toHaveProperty("reason");
  });

  it("refuses with fleet_not_ready naming who is behind", async () => {
    const error = await refusal(
      requireFleetReady(
        source(async () => answer(1)),
        request,
      ),
    );
    expect(error.code).toBe("fleet_not_ready");
    expect(error.status).toBe(409);
    expect(error.message).toContain("trm_7");
    expect(error.extra.readiness).toEqual(answer(1));
  });

  it("goes ahead on an override and keeps the reason with the numbers it overrode", async () => {
    const passed = await requireFleetReady(
      source(async () => answer(1)),
      {
        ...request,
        override: { reason: "trm_7 is in the stores" },
      },
    );
    expect(passed.overridden).toBe(true);
    expect(passed.audit).toMatchObject({
      ready: false,
      overridden: true,
      reason: "trm_7 is in the stores",
      readiness: {
        capabilities: [{ capability: "split_keys", ready: 2, behind: 1, behindTerminals: ["trm_7"] }],
      },
    });
  });

  it("refuses with fleet_readiness_unavailable when no usable answer comes, override or not", async () => {
    const failing = [
      source(async () => {
        throw new Error("connection refused");
      }),
      source(async () => ({ ready: true })),
      source(async () => ({ ...answer(0), capabilities: [] })),
    ];
    for (const down of failing) {
      for (const override of [undefined, { reason: "go" }]) {
        const error = await refusal(
          requireFleetReady(down, { ...request, ...(override ? { override } : {}) }),
        );
        expect(error.code).toBe("fleet_readiness_unavailable");
        expect(error.status).toBe(503);
      }
    }
  });

  it("takes an override only with a reason", () => {
    const Body = z.object(FLEET_OVERRIDE_FIELDS).superRefine(overrideNeedsReason);
    expect(Body.safeParse({ override: true }).success).toBe(false);
    expect(Body.safeParse({}).data).toEqual({ override: false });
    expect(fleetOverrideOf(Body.parse({ override: true, reason: " why " }))).toEqual({ reason: "why" });
    expect(fleetOverrideOf(Body.parse({ reason: "not an override" }))).toBeUndefined();
  });

  it("needs the FLEET binding", () => {
    expect(() => fleetBinding({})).toThrow(/FLEET/);
  });
});
