import { env } from "cloudflare:workers";
import {
  DenyList,
  type DenyListDelta,
  type DenyListSnapshotChunk,
  MAX_ENTRIES_PER_CHUNK,
} from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { auditor, call, json, operator } from "./helpers.ts";

const CARDS = 25_000;

/** Card i of the seeded list: distinct, spread, even (as the protocol's scale test makes them). */
const seededId = (i: number) =>
  (Math.imul(i, 0x9e37_79b1) >>> 0).toString(16).padStart(8, "0") + (i * 2).toString(16).padStart(8, "0");

/** A bulk import straight into D1: one new version, and deltas from before it are no longer possible. */
async function seed(cards: number): Promise<number> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM deny_list_entries"),
    env.DB.prepare(
      "UPDATE deny_list_state SET version = version + 1, delta_floor = version + 1 WHERE id = 1",
    ),
    env.DB.prepare(
      `INSERT INTO deny_list_entries (kind, id, reason, note, effective_from, added_at, added_by, version)
       WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
       SELECT 'card', printf('%08x%08x', (i * 2654435761) % 4294967296, i * 2), 'lost', NULL, NULL, 1700000000, 'import',
         (SELECT version FROM deny_list_state WHERE id = 1) FROM seq`,
    ).bind(cards),
  ]);
  return (await env.DB.prepare("SELECT version FROM deny_list_state").first<{ version: number }>())!.version;
}

async function get<T>(path: string): Promise<T> {
  const response = await call(path, { headers: await auditor() });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

describe("deny-list snapshots", () => {
  it("come in chunks of 10,000 entries from one version, still readable after the list moves on", async () => {
    const version = await seed(CARDS);
    const first = await get<DenyListSnapshotChunk>("/v1/deny-list");
    expect(first).toMatchObject({ version, chunk: 0, chunks: Math.ceil(CARDS / MAX_ENTRIES_PER_CHUNK) });
    expect(first.cards).toHaveLength(MAX_ENTRIES_PER_CHUNK);

    // The list changes while the terminal is still downloading.
    const extra = "ffffffffffffffff";
    await call(
      "/v1/deny-list/entries",
      json({ kind: "card", id: extra, reason: "stolen" }, await operator()),
    );

    const chunks = [first];
    for (let chunk = 1; chunk < first.chunks; chunk++)
      chunks.push(await get<DenyListSnapshotChunk>(`/v1/deny-list?chunk=${chunk}&version=${version}`));
    expect(chunks.every((chunk) => chunk.version === version)).toBe(true);
    const snapshot = DenyList.fromSnapshotChunks(chunks);
    expect(snapshot.cardCount).toBe(CARDS);
    expect(snapshot.hasCard(seededId(0))).toBe(true);
    expect(snapshot.hasCard(seededId(CARDS - 1))).toBe(true);
    expect(snapshot.hasCard(extra)).toBe(false);

    const delta = await get<DenyListDelta>(`/v1/deny-list?since=${version}`);
    const current = snapshot.applyDelta(delta);
    expect(current.version).toBe(version + 1);
    expect(current.hasCard(extra)).toBe(true);
    expect(current.cardCount).toBe(CARDS + 1);

    // A fresh start now gets a snapshot that already holds the change.
    const fresh = await get<DenyListSnapshotChunk>("/v1/deny-list");
    expect(fresh.version).toBe(version + 1);
    // Seeding and reading 25,000 entries takes seconds on a busy machine: correctness is judged here, the
    // time in `pnpm bench`.
  }, 60_000);

  it("tell a holder from before a bulk import to take a snapshot instead of a delta", async () => {
    const version = await seed(10);
    expect(await get(`/v1/deny-list?since=${version - 1}`)).toEqual({
      snapshotRequired: true,
      from: version - 1,
      version,
    });
    expect(await get(`/v1/deny-list?since=${version}`)).toMatchObject({ from: version, to: version });
  });

  it("refuse a chunk past the end, and a chunk of a version that is not kept", async () => {
    await seed(5);
    expect((await call("/v1/deny-list?chunk=3", { headers: await auditor() })).status).toBe(404);
    expect((await call("/v1/deny-list?chunk=0&version=123456789", { headers: await auditor() })).status).toBe(
      404,
    );
  });
});
