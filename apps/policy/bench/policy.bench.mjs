// Policy fetch latency: `GET /v1/policy` answered 200 (full document) and 304 (If-None-Match with the
// current ETag), each beside the floor route `GET /bench/floor` (one KV read returned as is, behind the
// same middleware) in the same run, 50 concurrent clients. Target: p99 within 1.5× of the floor's.
// Rounds alternate floor → 200 → 304 so drift on a shared machine hits all three alike; each figure is
// the median over rounds. Run it with `pnpm bench` (or `pnpm bench -- --only=policy`).
import { assertStatus, median, round2 } from "../../../scripts/lib/bench-stats.mjs";

const CONNECTIONS = 50;
const TARGET_RATIO = 1.5;

/** Smoke runs count requests instead of seconds: on a saturated machine a 1-s run can finish none. */
const SMOKE_REQUESTS = 100;

function load(autocannon, url, headers, seconds, smoke = false) {
  const length = smoke ? { amount: SMOKE_REQUESTS } : { duration: seconds };
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, ...length, headers }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** Fails loudly if a run did not measure what it claims (errors, or the wrong status). */

export async function run({ baseUrl, urls, autocannon, record, smoke = false, log = () => {} }) {
  const target = urls ?? baseUrl;
  const base = (typeof target === "string" ? target : target.policy).replace(/\/$/, "");

  // The first read seeds version 1 into D1 and KV; the floor must then return the same bytes.
  const first = await fetch(`${base}/v1/policy`);
  if (first.status !== 200) throw new Error(`GET /v1/policy answered ${first.status}`);
  const etag = first.headers.get("ETag");
  const size = (await first.text()).length;
  const floorProbe = await fetch(`${base}/bench/floor`);
  if (floorProbe.status !== 200)
    throw new Error("GET /bench/floor is off: start the policy Worker with the var BENCH_FLOOR=1");
  await floorProbe.text();

  const seconds = 5;
  const rounds = smoke ? 1 : 3;
  const runs = { floor: [], full: [], notModified: [] };
  // Warm-up, not measured: JIT, KV's local cache, connection set-up.
  await load(autocannon, `${base}/bench/floor`, {}, 2, smoke);
  await load(autocannon, `${base}/v1/policy`, {}, 2, smoke);
  for (let round = 1; round <= rounds; round++) {
    log(`  policy round ${round}/${rounds}`);
    const floor = await load(autocannon, `${base}/bench/floor`, {}, seconds, smoke);
    assertStatus(floor, "200", "floor");
    runs.floor.push(floor);
    const full = await load(autocannon, `${base}/v1/policy`, {}, seconds, smoke);
    assertStatus(full, "200", "policy 200");
    runs.full.push(full);
    const notModified = await load(
      autocannon,
      `${base}/v1/policy`,
      { "If-None-Match": etag },
      seconds,
      smoke,
    );
    assertStatus(notModified, "304", "policy 304");
    runs.notModified.push(notModified);
  }

  const floorP99 = median(runs.floor.map((r) => r.latency.p99));
  const floorP50 = median(runs.floor.map((r) => r.latency.p50));
  const summary = (results) => ({
    p50_ms: round2(median(results.map((r) => r.latency.p50))),
    p99_ms: round2(median(results.map((r) => r.latency.p99))),
    throughput_rps: Math.round(median(results.map((r) => r.requests.average))),
  });
  const entry = (name, results, notes) => {
    const figures = summary(results);
    record({
      name,
      ...figures,
      floor_p99_ms: round2(floorP99),
      ratio: round2(figures.p99_ms / Math.max(floorP99, 0.01)),
      target_ratio: TARGET_RATIO,
      notes,
    });
  };
  const common = `${CONNECTIONS} clients, ${rounds}×${seconds} s, floor p50 ${round2(floorP50)} ms`;
  entry("policy fetch 200 (GET /v1/policy)", runs.full, `${size}-byte document; ${common}`);
  entry("policy fetch 304 (If-None-Match)", runs.notModified, `no body; ${common}`);
}
