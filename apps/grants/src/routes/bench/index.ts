/**
 * Benchmark-only routes, served only when the var BENCH_FLOOR is "1" (`pnpm bench` passes it; no
 * deployment sets it): the floor a benchmark compares against (one KV read) and bulk set-up that would
 * take hours through the public API (thousands of terminals, a million deny-list entries).
 */
import { jwkThumbprint, TesseraError } from "@tessera/protocol";
import { createServiceRouter, requirePrincipal } from "@tessera/service-kit";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { terminals } from "../../db/terminals.ts";
import { hashEnrolmentCode } from "../../enrolment.ts";
import type { GrantsEnv } from "../../env.ts";
import { newId } from "../../ids.ts";

const FLOOR_KEY = "bench:floor";

const onlyWhenBenchmarking: MiddlewareHandler<GrantsEnv> = async (c, next) => {
  if (c.env.BENCH_FLOOR !== "1")
    throw new TesseraError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  await next();
};

const adminOnly: MiddlewareHandler<GrantsEnv> = async (c, next) => {
  const principal = requirePrincipal(c);
  if (!(principal.kind === "bootstrap" || (principal.kind === "user" && principal.role === "admin")))
    throw new TesseraError("forbidden", "Benchmark set-up needs an admin");
  await next();
};

const BulkTerminals = z.object({
  publicKeys: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{43}$/))
    .min(1)
    .max(1000),
  role: z.enum(["pos", "gate", "station"]).default("pos"),
  locationId: z.string().default("bench"),
});

const SeedDenyList = z.object({ cards: z.int().min(0).max(2_000_000) });
const ChangeDenyList = z.object({ seeded: z.int().min(1), changes: z.int().min(2).max(100_000) });

/** The synthetic card id of index i, in SQL: distinct, spread over the id space, always even. */
const SYNTHETIC_ID = "printf('%08x%08x', (i * 2654435761) % 4294967296, i * 2)";
const SEQUENCE = (from: string, to: string) =>
  `WITH RECURSIVE seq(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ${to})`;

export const benchRoutes = createServiceRouter<GrantsEnv>();
benchRoutes.use("*", onlyWhenBenchmarking);

/** The floor: the least any edge-served route can do, one KV read. */
benchRoutes.get("/floor", async (c) => {
  const value = await c.env.GRANTS_KV.get(FLOOR_KEY);
  if (value === null) {
    await c.env.GRANTS_KV.put(FLOOR_KEY, JSON.stringify({ floor: true, at: Date.now() }));
    return c.json({ floor: true, seeded: true });
  }
  return c.body(value, 200, { "Content-Type": "application/json" });
});

/** Enrols terminals for the given device keys through the same code-redemption transaction as POST /v1/terminals. */
benchRoutes.post("/terminals", adminOnly, async (c) => {
  const body = BulkTerminals.parse(await c.req.json());
  const now = Math.floor(Date.now() / 1000);
  const repo = terminals(c.env.DB);
  const created: { terminalId: string; terminalNumber: number; x: string }[] = [];
  for (const x of body.publicKeys) {
    const codeHash = await hashEnrolmentCode(`bench-${crypto.randomUUID()}`);
    await c.env.DB.prepare(
      `INSERT INTO enrolment_codes (id, code_hash, role, name, location_id, created_by, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'bench', ?6, ?6 + 600)`,
    )
      .bind(newId("enr"), codeHash, body.role, `bench ${created.length + 1}`, body.locationId, now)
      .run();
    const row = await repo.enrol({
      codeHash,
      terminalId: newId("trm"),
      publicKeyX: x,
      jkt: await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x }),
      softwareVersion: "bench",
      at: now,
    });
    if (!row) throw new Error("bench enrolment failed");
    created.push({ terminalId: row.id, terminalNumber: row.number, x });
  }
  return c.json({ terminals: created }, 201);
});

/**
 * Replaces the deny list with `cards` synthetic card entries as one new version, in SQL (100,000 rows
 * per statement), and raises the delta floor: older holders take a snapshot, as after any bulk import.
 */
benchRoutes.post("/deny-list/seed", adminOnly, async (c) => {
  const { cards } = SeedDenyList.parse(await c.req.json());
  const now = Math.floor(Date.now() / 1000);
  await c.env.DB.batch([
    c.env.DB.prepare("DELETE FROM deny_list_entries"),
    c.env.DB.prepare("DELETE FROM deny_list_changes"),
    c.env.DB.prepare(
      "UPDATE deny_list_state SET version = version + 1, delta_floor = version + 1 WHERE id = 1",
    ),
  ]);
  for (let from = 0; from < cards; from += 100_000) {
    const to = Math.min(cards, from + 100_000);
    await c.env.DB.prepare(
      `INSERT INTO deny_list_entries (kind, id, reason, note, effective_from, added_at, added_by, version)
       ${SEQUENCE(String(from), String(to))}
       SELECT 'card', ${SYNTHETIC_ID}, 'lost', NULL, NULL, ?1, 'bench', (SELECT version FROM deny_list_state WHERE id = 1)
       FROM seq`,
    )
      .bind(now)
      .run();
  }
  const state = await c.env.DB.prepare("SELECT version FROM deny_list_state WHERE id = 1").first<{
    version: number;
  }>();
  return c.json({ version: state!.version, cards }, 201);
});

/**
 * Applies `changes` changes, one version each (half of them remove seeded cards spread over the list,
 * half add new ones), exactly as that many POSTs and DELETEs would leave the tables.
 */
benchRoutes.post("/deny-list/changes", adminOnly, async (c) => {
  const { seeded, changes } = ChangeDenyList.parse(await c.req.json());
  const now = Math.floor(Date.now() / 1000);
  const half = Math.floor(changes / 2);
  const stride = Math.max(1, Math.floor(seeded / half));
  const base = await c.env.DB.prepare("SELECT version FROM deny_list_state WHERE id = 1").first<{
    version: number;
  }>();
  const from = base!.version;
  await c.env.DB.batch([
    // Removals: seeded cards 0, stride, 2·stride, … as versions from+1 … from+half.
    c.env.DB.prepare(
      `INSERT INTO deny_list_changes (version, kind, id, op, reason, note, actor, at)
       ${SEQUENCE("0", String(half))}
       SELECT ?1 + 1 + i, 'card', printf('%08x%08x', ((i * ?2) * 2654435761) % 4294967296, (i * ?2) * 2), 'remove', 'found', NULL, 'bench', ?3 FROM seq`,
    ).bind(from, stride, now),
    c.env.DB.prepare(
      `DELETE FROM deny_list_entries WHERE kind = 'card' AND id IN
         (SELECT id FROM deny_list_changes WHERE version > ?1 AND op = 'remove')`,
    ).bind(from),
    // Additions: new cards seeded … seeded+half as versions from+half+1 ….
    c.env.DB.prepare(
      `INSERT INTO deny_list_changes (version, kind, id, op, reason, note, actor, at)
       ${SEQUENCE("0", String(half))}
       SELECT ?1 + ?2 + 1 + i, 'card', printf('%08x%08x', ((i + ?3) * 2654435761) % 4294967296, (i + ?3) * 2), 'add', 'stolen', NULL, 'bench', ?4 FROM seq`,
    ).bind(from, half, seeded, now),
    c.env.DB.prepare(
      `INSERT INTO deny_list_entries (kind, id, reason, note, effective_from, added_at, added_by, version)
       SELECT 'card', id, 'stolen', NULL, NULL, at, 'bench', version FROM deny_list_changes WHERE version > ?1 AND op = 'add'`,
    ).bind(from),
    c.env.DB.prepare("UPDATE deny_list_state SET version = ?1 WHERE id = 1").bind(from + 2 * half),
  ]);
  return c.json({ from, to: from + 2 * half, changes: 2 * half }, 201);
});
