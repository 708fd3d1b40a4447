/**
 * The first split key version on a legacy deployment whose fleet is ready (ADR 0005): published at once,
 * the readiness recorded with it; a fresh deployment, split from its first key, never asks.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { keyRing } from "../src/keys/keyring.ts";
import { admin, auditEntries, call } from "./helpers.ts";
import { insertLegacyKey } from "./legacy-key.ts";

const fleet = env.FLEET as unknown as { questions(): Promise<string[][]> };

beforeAll(async () => {
  await insertLegacyKey(1);
  keyRing(env).forget();
});

describe("rotating to the first split key version with the fleet ready", () => {
  it("publishes it and audits the readiness it saw", async () => {
    const asked = (await fleet.questions()).length;
    const response = await call("/v1/keys/rotate", {
      method: "POST",
      headers: { ...(await admin()), "X-Request-Id": "split-ready" },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ version: 2, dualPurpose: false });
    expect((await fleet.questions()).slice(asked)).toEqual([["split_keys"]]);
    const entry = (await auditEntries()).find(
      (candidate) => candidate.action === "key.publish" && candidate.requestId === "split-ready",
    );
    expect(entry?.detail.fleet).toMatchObject({
      capabilities: ["split_keys"],
      ready: true,
      overridden: false,
      readiness: { activeTerminals: 4, capabilities: [{ capability: "split_keys", ready: 4, behind: 0 }] },
    });
  });
});
