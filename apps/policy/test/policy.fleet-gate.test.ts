/**
 * The fleet-readiness gate on publishing (ADR 0005): a policy that switches the card write layout, or drops a
 * readable one, is published only when reconciliation's FleetService (the stand-in) says every active
 * terminal can follow, or an admin overrides with a reason; nothing else ever waits for it.
 */
import { env } from "cloudflare:workers";
import { CatalogDocument, PolicyDocument, type PolicyDraft } from "@tessera/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { auditEntries, bodyOf, call, json, problemOf, tokenFor } from "./support/worker.ts";

interface FleetSetup {
  behind?: Record<string, { terminalId: string; terminalNumber: number }[]>;
  unknown?: Record<string, { terminalId: string; terminalNumber: number }[]>;
  down?: boolean;
}

const fleet = env.FLEET as unknown as {
  setFleet(setup: FleetSetup): Promise<void>;
  questions(): Promise<string[][]>;
};

const straggler = (n: number) => ({
  terminalId: `trm_${n}`,
  terminalNumber: n,
  role: "pos",
  locationId: "bar",
  softwareVersion: "1.0.0",
  lastReportAt: 1_800_000_000,
});

afterEach(() => fleet.setFleet({}));

async function current(): Promise<PolicyDocument> {
  return PolicyDocument.parse(await (await call("/v1/policy")).json());
}

function contentOf(document: PolicyDocument): PolicyDraft {
  const { version: _version, publishedAt: _publishedAt, ...content } = document;
  return structuredClone(content);
}

/** The current policy, with its write layout moved to the other of layouts 1 and 2 (both made readable). */
async function switchedLayout(): Promise<{ draft: PolicyDraft; to: number }> {
  const draft = contentOf(await current());
  const to = draft.layouts.write === 1 ? 2 : 1;
  draft.layouts = { readable: [...new Set([...draft.layouts.readable, 1, 2])], write: to };
  return { draft, to };
}

async function publish(document: PolicyDraft, body: Record<string, unknown> = {}, requestId?: string) {
  const admin = await tokenFor("admin");
  const created = await call("/v1/policy/drafts", json("POST", { document }, admin.headers));
  expect(created.status).toBe(201);
  const { id } = await bodyOf<{ id: string }>(created);
  const headers = { ...admin.headers, ...(requestId ? { "X-Request-Id": requestId } : {}) };
  return call(`/v1/policy/drafts/${id}/publish`, json("POST", body, headers));
}

describe("publishing a layout change waits for the fleet", () => {
  it("refuses a write-layout switch while terminals are behind or unknown, naming them, and publishes nothing", async () => {
    const before = await current();
    const { draft, to } = await switchedLayout();
    await fleet.setFleet({
      behind: { [`reads_layout:${to}`]: [straggler(7)] },
      unknown: { [`writes_layout:${to}`]: [straggler(9)] },
    });
    const response = await publish(draft);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      status: 409,
      contentType: "application/problem+json",
      code: "fleet_not_ready",
    });
    expect(problem.detail).toContain(`reads_layout:${to}: 1 behind (trm_7)`);
    expect(problem.detail).toContain(`writes_layout:${to}: 1 unknown (trm_9)`);
    const { readiness } = problem as unknown as {
      readiness: { capabilities: { capability: string; behind: { terminals: { terminalId: string }[] } }[] };
    };
    expect(readiness.capabilities.map((entry) => entry.capability)).toEqual([
      `reads_layout:${to}`,
      `writes_layout:${to}`,
    ]);
    expect(readiness.capabilities[0]?.behind.terminals[0]?.terminalId).toBe("trm_7");
    expect((await current()).version).toBe(before.version);
    expect((await fleet.questions()).at(-1)).toEqual([`reads_layout:${to}`, `writes_layout:${to}`]);
  });

  it("publishes it once every active terminal is ready, and audits the readiness it saw", async () => {
    const { draft, to } = await switchedLayout();
    const response = await publish(draft, {}, "fleet-ready-publish");
    expect(response.status).toBe(201);
    expect((await current()).layouts.write).toBe(to);
    const [entry] = await auditEntries({ action: "policy.publish", requestId: "fleet-ready-publish" });
    expect(entry?.detail.fleet).toMatchObject({
      capabilities: [`reads_layout:${to}`, `writes_layout:${to}`],
      ready: true,
      overridden: false,
      readiness: { activeTerminals: 3 },
    });
  });

  it("publishes on an admin's override with a reason, audited with the numbers it overrode", async () => {
    const { draft, to } = await switchedLayout();
    await fleet.setFleet({ behind: { [`reads_layout:${to}`]: [straggler(7)] } });
    const noReason = await publish(draft, { override: true });
    expect(await problemOf(noReason)).toMatchObject({ status: 422, code: "validation_failed" });

    const response = await publish(
      draft,
      { override: true, reason: "trm_7 is in the stores" },
      "fleet-override",
    );
    expect(response.status).toBe(201);
    expect((await current()).layouts.write).toBe(to);
    const [entry] = await auditEntries({ action: "policy.publish", requestId: "fleet-override" });
    expect(entry?.detail.fleet).toMatchObject({
      ready: false,
      overridden: true,
      reason: "trm_7 is in the stores",
      readiness: {
        activeTerminals: 3,
        capabilities: [
          { capability: `reads_layout:${to}`, ready: 2, behind: 1, unknown: 0, behindTerminals: ["trm_7"] },
          { capability: `writes_layout:${to}`, ready: 3, behind: 0, unknown: 0 },
        ],
      },
    });
  });

  it("refuses, override or not, when reconciliation cannot say (fail safe)", async () => {
    const before = await current();
    const { draft } = await switchedLayout();
    await fleet.setFleet({ down: true });
    for (const body of [{}, { override: true, reason: "urgent" }]) {
      const problem = await problemOf(await publish(draft, body));
      expect(problem).toMatchObject({ status: 503, code: "fleet_readiness_unavailable" });
    }
    expect((await current()).version).toBe(before.version);
  });

  it("asks, when a readable layout is dropped, that every terminal reads each layout left", async () => {
    const { draft, to } = await switchedLayout();
    expect((await publish(draft)).status).toBe(201);
    const dropped = contentOf(await current());
    dropped.layouts = { readable: [to], write: to };
    const gone = (await current()).layouts.readable.filter((layout) => layout !== to);
    await fleet.setFleet({ behind: { [`reads_layout:${to}`]: [straggler(4)] } });
    const problem = await problemOf(await publish(dropped));
    expect(problem).toMatchObject({ status: 409, code: "fleet_not_ready" });
    expect(problem.detail).toContain(`Dropping card layout ${gone.join(", ")} from the readable layouts`);
    expect((await fleet.questions()).at(-1)).toEqual([`reads_layout:${to}`]);
    await fleet.setFleet({});
    expect((await publish(dropped)).status).toBe(201);
  });

  it("gates a rollback to a version with another write layout the same way", async () => {
    const admin = await tokenFor("admin");
    const target = await current();
    const { draft } = await switchedLayout();
    expect((await publish(draft)).status).toBe(201);
    const back = `reads_layout:${target.layouts.write}`;
    await fleet.setFleet({ unknown: { [back]: [straggler(5)] } });
    const refused = await call(
      "/v1/policy/rollback",
      json("POST", { version: target.version }, admin.headers),
    );
    expect(await problemOf(refused)).toMatchObject({ status: 409, code: "fleet_not_ready" });
    const overridden = await call(
      "/v1/policy/rollback",
      json(
        "POST",
        { version: target.version, override: true, reason: "back out the switch" },
        { ...admin.headers, "X-Request-Id": "fleet-rollback" },
      ),
    );
    expect(overridden.status).toBe(201);
    expect((await current()).layouts.write).toBe(target.layouts.write);
    const [entry] = await auditEntries({ action: "policy.rollback", requestId: "fleet-rollback" });
    expect(entry?.detail.fleet).toMatchObject({ overridden: true, reason: "back out the switch" });
  });
});

describe("publishing anything else", () => {
  it("never asks the fleet, and goes ahead while reconciliation cannot answer", async () => {
    await fleet.setFleet({ down: true });
    const asked = (await fleet.questions()).length;
    const draft = contentOf(await current());
    draft.roles.pos.offline.perTransaction = draft.roles.pos.offline.perTransaction === 777 ? 778 : 777;
    // Adding a readable layout asks nothing of the fleet either: no card is written in it yet.
    if (!draft.layouts.readable.includes(3)) draft.layouts.readable = [...draft.layouts.readable, 3];
    const response = await publish(draft, {}, "fleet-unrelated");
    expect(response.status).toBe(201);
    const [entry] = await auditEntries({ action: "policy.publish", requestId: "fleet-unrelated" });
    expect(entry?.detail).not.toHaveProperty("fleet");

    const admin = await tokenFor("admin");
    const catalog = CatalogDocument.parse(await (await call("/v1/catalog")).json());
    const { version: _v, publishedAt: _p, ...content } = structuredClone(catalog);
    content.locations[0]!.products[0]!.price += 1;
    const created = await call("/v1/catalog/drafts", json("POST", { document: content }, admin.headers));
    expect(created.status).toBe(201);
    const { id } = await bodyOf<{ id: string }>(created);
    expect((await call(`/v1/catalog/drafts/${id}/publish`, json("POST", {}, admin.headers))).status).toBe(
      201,
    );
    expect((await fleet.questions()).length).toBe(asked);
  });
});
