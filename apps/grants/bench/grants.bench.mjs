// Grants benchmarks, each beside the floor route `GET /bench/floor` (one KV read behind the same
// middleware) in the same run, 50 concurrent clients:
// - cached grant fetch: `POST /v1/grants` answered from the KV cache, with a fresh DPoP proof per request
//   (proof verified, its id recorded and the terminal read in one D1 transaction, rate limiter checked,
//   the cached grant read from KV). Target: p99
//   within 2× of the floor's. Rounds alternate floor → cached so drift on a shared machine hits both alike.
// - fresh issuance: the first grant of each terminal (next sequence number, policy, signing a JWT and a
//   certificate, recorded in D1, cached in KV). Seed requirement: grant fetch < 300 ms.
// - deny-list delta fetch + apply: 10,000 changes against a 1,000,000-entry list, fetched as TDL1 binary
//   and applied to the terminal's in-memory list (protocol `DenyList.applyDelta`).
// Set-up goes through the benchmark-only routes (BENCH_FLOOR=1): bulk enrolment of device keys, a bulk
// deny-list import and bulk changes. Run it with `pnpm bench` (or `pnpm bench -- --only=grants`).
import {
  createDpopProof,
  DenyList,
  decodeDenyListBinary,
  generateSigningKeyPair,
  publicKeyToJwk,
} from "@tessera/protocol";
import { assertStatus, median, percentile, round2 } from "../../../scripts/lib/bench-stats.mjs";

const CONNECTIONS = 50;
const CACHED_TARGET_RATIO = 2;
/** The seed's latency bar for a grant fetch (docs: shared/seed/16-infrastructure-stack.txt). */
const GRANT_FETCH_BUDGET_MS = 300;

/** Runs autocannon for exactly `amount` requests; `next()` supplies each request's body and headers. */
function load(autocannon, url, { amount, method = "GET", next }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        amount,
        method,
        ...(next
          ? {
              requests: [
                {
                  method,
                  setupRequest(request) {
                    const { body, headers } = next();
                    return { ...request, body, headers: { ...request.headers, ...headers } };
                  },
                },
              ],
            }
          : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Device keys made as terminals make them, enrolled in bulk (250 per call: the Worker's 16 KiB body limit). */
async function enrolDevices(base, admin, count) {
  const devices = [];
  for (let i = 0; i < count; i++) {
    const pair = await generateSigningKeyPair(false);
    devices.push({ privateKey: pair.privateKey, publicJwk: await publicKeyToJwk(pair.publicKey) });
  }
  for (let from = 0; from < count; from += 250) {
    const batch = devices.slice(from, from + 250);
    const { terminals } = await post(
      `${base}/bench/terminals`,
      { publicKeys: batch.map((d) => d.publicJwk.x) },
      admin,
    );
    for (const [i, terminal] of terminals.entries()) Object.assign(batch[i], terminal);
  }
  return devices;
}

/** One grant request per entry, each with its own fresh proof (a proof is single-use). */
async function grantRequests(base, devices) {
  const htu = `${base}/v1/grants`;
  const requests = [];
  for (const device of devices) {
    requests.push({
      body: JSON.stringify({ terminalId: device.terminalId }),
      headers: {
        "content-type": "application/json",
        dpop: await createDpopProof({
          privateKey: device.privateKey,
          publicJwk: device.publicJwk,
          htm: "POST",
          htu,
        }),
      },
    });
  }
  let index = 0;
  return { amount: requests.length, all: requests, next: () => requests[index++ % requests.length] };
}

const latency = (result) => ({
  p50: result.latency.p50,
  p99: result.latency.p99,
  rps: result.requests.average,
});

export async function run({ baseUrl, urls, adminToken, autocannon, record, smoke = false, log = () => {} }) {
  const target = urls ?? baseUrl;
  const base = (typeof target === "string" ? target : target.grants).replace(/\/$/, "");
  const admin = { Authorization: `Bearer ${adminToken}` };

  const probe = await fetch(`${base}/bench/floor`);
  if (probe.status !== 200)
    throw new Error("GET /bench/floor is off: start the grants Worker with the var BENCH_FLOOR=1");
  await probe.text();

  // ---- Grants -------------------------------------------------------------------------------------
  // 20 grant requests per terminal per minute are allowed: each terminal makes 1 fresh + 3 × 4 cached.
  const terminals = smoke ? 60 : 1000;
  const rounds = smoke ? 1 : 3;
  const perRound = smoke ? 2 : 4;
  log(`  enrolling ${terminals} terminals`);
  const devices = await enrolDevices(base, admin, terminals);
  // Warm-up, not measured: JIT, KV's local cache, connection set-up.
  await load(autocannon, `${base}/bench/floor`, { amount: smoke ? 200 : 2000 });

  log("  fresh issuance");
  const fresh = await load(autocannon, `${base}/v1/grants`, {
    method: "POST",
    ...(await grantRequests(base, devices)),
  });
  assertStatus(fresh, "200", "fresh issuance");
  const freshFloor = await load(autocannon, `${base}/bench/floor`, { amount: terminals });
  assertStatus(freshFloor, "200", "floor");
  // The same, one terminal at a time: what a terminal waits for when the Worker is not saturated.
  const alone = await enrolDevices(base, admin, smoke ? 5 : 100);
  const aloneTimes = [];
  for (const { body, headers } of (await grantRequests(base, alone)).all) {
    const start = performance.now();
    const response = await fetch(`${base}/v1/grants`, { method: "POST", body, headers });
    if (response.status !== 200) throw new Error(`fresh issuance answered ${response.status}`);
    await response.arrayBuffer();
    aloneTimes.push(performance.now() - start);
  }

  const runs = { floor: [], cached: [] };
  for (let round = 1; round <= rounds; round++) {
    log(`  cached grant round ${round}/${rounds}`);
    const requests = await grantRequests(base, Array.from({ length: perRound }, () => devices).flat());
    const floor = await load(autocannon, `${base}/bench/floor`, { amount: requests.amount });
    assertStatus(floor, "200", "floor");
    runs.floor.push(latency(floor));
    const cached = await load(autocannon, `${base}/v1/grants`, { method: "POST", ...requests });
    assertStatus(cached, "200", "cached grant fetch");
    runs.cached.push(latency(cached));
  }
  const cachedP99 = median(runs.cached.map((r) => r.p99));
  const floorP99 = median(runs.floor.map((r) => r.p99));
  record({
    name: "grants: cached grant fetch (POST /v1/grants, 50 clients)",
    p50_ms: round2(median(runs.cached.map((r) => r.p50))),
    p99_ms: round2(cachedP99),
    floor_p99_ms: round2(floorP99),
    ratio: round2(cachedP99 / floorP99),
    target_ratio: CACHED_TARGET_RATIO,
    throughput_rps: Math.round(median(runs.cached.map((r) => r.rps))),
    notes: `${terminals} terminals × ${rounds * perRound} requests, each with a fresh DPoP proof; median of ${rounds} rounds`,
  });
  record({
    name: "grants: fresh grant issuance (POST /v1/grants, 50 clients)",
    p50_ms: round2(fresh.latency.p50),
    p99_ms: round2(fresh.latency.p99),
    floor_p99_ms: round2(freshFloor.latency.p99),
    ratio: round2(fresh.latency.p99 / freshFloor.latency.p99),
    target_ratio: null,
    throughput_rps: Math.round(fresh.requests.average),
    notes: `first grant of ${terminals} terminals: policy, next gseq, JWT + certificate signed, D1 record, KV cache; one client at a time: p50 ${round2(percentile(aloneTimes, 50))} ms, p99 ${round2(percentile(aloneTimes, 99))} ms (seed bar ${GRANT_FETCH_BUDGET_MS} ms for a grant fetch)`,
  });

  // ---- Deny list ----------------------------------------------------------------------------------
  const entries = smoke ? 20_000 : 1_000_000;
  const changes = smoke ? 200 : 10_000;
  const samples = smoke ? 3 : 20;
  log(`  deny list: importing ${entries} entries`);
  const { version } = await post(`${base}/bench/deny-list/seed`, { cards: entries }, admin);
  const { to } = await post(`${base}/bench/deny-list/changes`, { seeded: entries, changes }, admin);
  // The terminal's list at `version`: the same synthetic ids the import wrote.
  const hex32 = (n) => (n >>> 0).toString(16).padStart(8, "0");
  const idOf = (i) => hex32(Math.imul(i, 0x9e3779b1)) + hex32(i * 2);
  const held = DenyList.fromEntries(
    version,
    Array.from({ length: entries }, (_, i) => idOf(i)),
  );

  const fetchTimes = [];
  const applyTimes = [];
  const totals = [];
  const floorTimes = [];
  let bytes = 0;
  for (let sample = 0; sample < samples; sample++) {
    const floorStart = performance.now();
    await (await fetch(`${base}/bench/floor`)).text();
    floorTimes.push(performance.now() - floorStart);

    const start = performance.now();
    const response = await fetch(`${base}/v1/deny-list?since=${version}`, {
      headers: { ...admin, Accept: "application/octet-stream" },
    });
    if (response.status !== 200)
      throw new Error(`delta answered ${response.status}: ${await response.text()}`);
    const body = new Uint8Array(await response.arrayBuffer());
    const fetched = performance.now();
    const delta = decodeDenyListBinary(body);
    const next = held.applyDelta(delta);
    const applied = performance.now();
    if (
      next.version !== to ||
      next.cardCount !== entries ||
      !next.hasCard(idOf(entries)) ||
      next.hasCard(idOf(0))
    )
      throw new Error("the delta did not bring the list to the expected state");
    bytes = body.length;
    fetchTimes.push(fetched - start);
    applyTimes.push(applied - fetched);
    totals.push(applied - start);
  }
  const floorP99Sequential = percentile(floorTimes, 99);
  record({
    name: `grants: deny-list delta fetch + apply (${changes} changes on ${entries} entries, TDL1)`,
    p50_ms: round2(percentile(totals, 50)),
    p99_ms: round2(percentile(totals, 99)),
    floor_p99_ms: round2(floorP99Sequential),
    ratio: round2(percentile(totals, 99) / floorP99Sequential),
    target_ratio: null,
    notes: `one client, ${samples} samples (the first computes the delta from D1, the rest read it from KV); delta ${bytes} bytes; fetch p50 ${round2(percentile(fetchTimes, 50))} ms (first ${round2(fetchTimes[0])} ms), apply p50 ${round2(percentile(applyTimes, 50))} ms`,
  });

  // A terminal starting from nothing: the whole list as one TDL1 snapshot (built once, then from KV).
  const snapshotStart = performance.now();
  const snapshot = await fetch(`${base}/v1/deny-list`, {
    headers: { ...admin, Accept: "application/octet-stream" },
  });
  const list = DenyList.fromBinary(new Uint8Array(await snapshot.arrayBuffer()));
  const snapshotMs = performance.now() - snapshotStart;
  // The list this module wrote, nothing else: its version, its size, a card its changes added and one they
  // removed. (The Workers serve an older snapshot while they rebuild a large one, so this needs a stack on
  // which this module's list is the only one ever snapshotted: `pnpm bench` gives each module its own.)
  if (
    list.version !== to ||
    list.cardCount !== entries ||
    !list.hasCard(idOf(entries)) ||
    list.hasCard(idOf(0))
  )
    throw new Error(
      `the snapshot served (version ${list.version}, ${list.cardCount} cards) is not the list this module wrote (version ${to}, ${entries} cards)`,
    );
  log(
    `  deny list: first full TDL1 snapshot of ${entries} entries (built + fetched + decoded) in ${round2(snapshotMs)} ms`,
  );
}
