import {
  DenyList,
  type DenyListDelta,
  type DenyListSnapshotChunk,
  decodeDenyListBinary,
  toHex,
} from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import {
  asTerminal,
  auditEntries,
  auditor,
  call,
  credential,
  enrolTerminal,
  fetchGrant,
  json,
  operator,
  problemOf,
} from "./helpers.ts";

const randomCardId = () => toHex(crypto.getRandomValues(new Uint8Array(8)));

interface Change {
  version: number;
  changed: boolean;
  entry: Record<string, unknown>;
}

async function addCard(id: string, reason = "lost"): Promise<Change> {
  const response = await call(
    "/v1/deny-list/entries",
    json({ kind: "card", id, reason, note: "reported at desk" }, await operator()),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Change;
}

async function removeCard(id: string): Promise<Response> {
  return call(`/v1/deny-list/entries/card/${id}?reason=found`, {
    method: "DELETE",
    headers: await operator(),
  });
}

async function readAs(path: string, headers: Record<string, string> = {}) {
  return call(path, { headers: { ...(await auditor()), ...headers } });
}

/** What a terminal does: snapshot (all chunks of one version), then the delta from that version. */
async function syncFromScratch(): Promise<DenyList> {
  const first = (await (await readAs("/v1/deny-list")).json()) as DenyListSnapshotChunk;
  const chunks = [first];
  for (let chunk = 1; chunk < first.chunks; chunk++) {
    chunks.push(
      (await (
        await readAs(`/v1/deny-list?chunk=${chunk}&version=${first.version}`)
      ).json()) as DenyListSnapshotChunk,
    );
  }
  const delta = (await (await readAs(`/v1/deny-list?since=${first.version}`)).json()) as DenyListDelta;
  return DenyList.fromSnapshotChunks(chunks).applyDelta(delta);
}

describe("deny-list changes", () => {
  it("bump the version once per change, and an entry already listed changes nothing", async () => {
    const id = randomCardId();
    const added = await addCard(id);
    expect(added).toMatchObject({
      changed: true,
      entry: { kind: "card", id, reason: "lost", note: "reported at desk" },
    });
    const again = await addCard(id);
    expect(again).toMatchObject({ changed: false, version: added.version });
    const stricter = await addCard(id, "stolen");
    expect(stricter.changed).toBe(true);
    expect(stricter.version).toBeGreaterThan(added.version);

    const removed = await removeCard(id);
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as Change).version).toBeGreaterThan(stricter.version);
    expect((await problemOf(await removeCard(id))).code).toBe("not_found");

    const audit = await auditEntries();
    expect(audit.filter((entry) => entry.target === `card:${id}`).map((entry) => entry.action)).toEqual([
      "deny_list.add",
      "deny_list.add",
      "deny_list.remove",
    ]);
  });

  it("refuse a malformed card id, an unknown reason, a removal without reason, and anyone but operators", async () => {
    const headers = await operator();
    for (const body of [
      { kind: "card", id: "XYZ", reason: "lost" },
      { kind: "card", id: randomCardId(), reason: "bored" },
    ]) {
      const response = await call("/v1/deny-list/entries", json(body, headers));
      expect(response.status).toBe(422);
      expect((await problemOf(response)).code).toBe("validation_failed");
    }
    const id = randomCardId();
    await addCard(id);
    expect((await call(`/v1/deny-list/entries/card/${id}`, { method: "DELETE", headers })).status).toBe(422);
    const asAuditor = await call(
      "/v1/deny-list/entries",
      json({ kind: "card", id: randomCardId(), reason: "lost" }, await auditor()),
    );
    expect(asAuditor.status).toBe(403);
    const unknownTerminal = await call(
      "/v1/deny-list/entries",
      json({ kind: "terminal", terminalNumber: 16_000_000, reason: "revoked" }, headers),
    );
    expect(unknownTerminal.status).toBe(404);
  });
});

describe("GET /v1/deny-list", () => {
  it("gives a delta since a version, with additions as entries and removals as ids, in JSON and TDL1", async () => {
    const kept = randomCardId();
    const dropped = randomCardId();
    const base = (await addCard(dropped)).version;
    await addCard(kept);
    await removeCard(dropped);

    const response = await readAs(`/v1/deny-list?since=${base}`);
    expect(response.status).toBe(200);
    const delta = (await response.json()) as DenyListDelta;
    expect(delta.from).toBe(base);
    expect(Number(response.headers.get("X-Deny-List-Version"))).toBe(delta.to);
    expect(delta.add.cards.map((card) => card.id)).toContain(kept);
    expect(delta.remove.cards).toContain(dropped);
    expect(delta.add.cards.map((card) => card.id)).not.toContain(dropped);

    const binary = await readAs(`/v1/deny-list?since=${base}`, { Accept: "application/octet-stream" });
    expect(binary.headers.get("Content-Type")).toBe("application/octet-stream");
    const decoded = decodeDenyListBinary(new Uint8Array(await binary.arrayBuffer()));
    expect(decoded).toMatchObject({ kind: "delta", from: base, to: delta.to });
  });

  it("syncs from scratch: a snapshot plus the delta since it equals the list, in JSON chunks and in TDL1", async () => {
    const ids = [randomCardId(), randomCardId(), randomCardId()];
    for (const id of ids) await addCard(id);
    await removeCard(ids[1]!);

    const list = await syncFromScratch();
    expect(list.hasCard(ids[0]!)).toBe(true);
    expect(list.hasCard(ids[1]!)).toBe(false);
    expect(list.hasCard(ids[2]!)).toBe(true);

    const binary = await readAs("/v1/deny-list", { Accept: "application/octet-stream" });
    const snapshot = DenyList.fromBinary(new Uint8Array(await binary.arrayBuffer()));
    expect(snapshot.version).toBe(Number(binary.headers.get("X-Deny-List-Version")));
    const delta = (await (await readAs(`/v1/deny-list?since=${snapshot.version}`)).json()) as DenyListDelta;
    const fromBinary = snapshot.applyDelta(delta);
    expect(fromBinary.version).toBe(list.version);
    expect([...fromBinary.cardIds()]).toEqual([...list.cardIds()]);
  });

  it("asks a holder that is ahead of the list to take a snapshot", async () => {
    const response = await readAs("/v1/deny-list?since=4000000000");
    expect(await response.json()).toMatchObject({ snapshotRequired: true, from: 4_000_000_000 });
  });

  it("lists revoked terminals with the instant their writes stop being valid", async () => {
    const terminal = await enrolTerminal();
    const before = Math.floor(Date.now() / 1000);
    const base = Number((await readAs("/v1/deny-list?since=0")).headers.get("X-Deny-List-Version"));
    const revoke = await call(
      `/v1/terminals/${terminal.terminalId}/revoke`,
      json({ reason: "stolen" }, await operator()),
    );
    const revocation = (await revoke.json()) as { denyListVersion: number; effectiveFrom: string };
    expect(revocation.denyListVersion).toBeGreaterThan(base);
    const delta = (await (await readAs(`/v1/deny-list?since=${base}`)).json()) as DenyListDelta;
    const entry = delta.add.terminals.find((t) => t.terminalNumber === terminal.terminalNumber);
    expect(entry).toMatchObject({ reason: "revoked", note: "stolen" });
    expect(entry!.effectiveFrom).toBeGreaterThanOrEqual(before);
    expect(entry!.effectiveFrom).toBe(Date.parse(revocation.effectiveFrom) / 1000);
  });

  it("is readable by terminals with their grant, by services with cards:read, and not without", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    expect((await asTerminal(terminal, grant, "GET", "/v1/deny-list?since=0")).status).toBe(200);
    expect(
      (
        await call("/v1/deny-list?since=0", {
          headers: await credential({ kind: "service", scopes: ["cards:read"] }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call("/v1/deny-list?since=0", {
          headers: await credential({ kind: "service", scopes: ["policy:read"] }),
        })
      ).status,
    ).toBe(403);
    expect((await call("/v1/deny-list?since=0")).status).toBe(401);
  });
});
