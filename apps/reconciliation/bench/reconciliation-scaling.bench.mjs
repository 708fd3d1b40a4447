// Reconciliation scaling (issue 8), each entry beside its floor — a bare D1 batch insert of the same rows
// (`POST /v1/bench/floor/batch`) — measured in the same run, one client at a time:
// - batch size: uploads of 10, 100, 500 and 1,000 fresh debits over (up to) 100 cards;
// - stored ledger: uploads of 500 debits once the events table holds 1k, 10k, 100k (and 1M when 100k
//   seeded quickly enough) events. The stored events are synthetic rows on cards of their own, bulk-inserted
//   through `POST /v1/bench/floor/seed`; the uploaded cards' ledgers are extended from their tails, so the
//   figure shows what the size of the tables costs an upload.
// Terminals, cards and every signature are real (support.mjs); uploads and floors go to the Worker's own
// socket when it can be found, as in reconciliation.bench.mjs. `smoke` uses tiny sizes.
import { assertStatus, round2 } from "../../../scripts/lib/bench-stats.mjs";
import {
  debitBatch,
  fleet,
  issueCards,
  load,
  post,
  schemeFrom,
  signedBatches,
  workerSocket,
} from "./support.mjs";

/** Seeding 1M rows is tried only when 100k went at least this fast (rows per second). */
const MILLION_SEED_MIN_RATE = 20_000;

export async function run({ urls, baseUrl, adminToken, autocannon, record, smoke = false, log = () => {} }) {
  const all = urls ?? baseUrl;
  const recon = all.reconciliation.replace(/\/$/, "");
  const grants = all.grants.replace(/\/$/, "");
  const admin = { Authorization: `Bearer ${adminToken}` };
  const probe = await fetch(`${recon}/v1/bench/floor/accepted`, { method: "POST" });
  if (probe.status !== 202)
    throw new Error("the floor routes are off: start the reconciliation Worker with the var BENCH_FLOOR=1");
  await probe.text();

  const batchSizes = smoke ? [10, 40] : [10, 100, 500, 1000];
  const storedSizes = smoke ? [1_000, 2_000] : [1_000, 10_000, 100_000, 1_000_000];
  const samples = smoke ? 2 : 7;
  const cardCount = smoke ? 10 : 100;
  const storedBatch = smoke ? 40 : 500;

  log("  scaling: enrolling stations and POS terminals");
  const stations = fleet(grants, admin, "station");
  const posFleet = fleet(grants, admin, "pos");
  const scheme = await schemeFrom((await stations.next()).certificateKeys);
  log(`  scaling: issuing ${cardCount} cards`);
  const cards = await issueCards(scheme, stations, recon, cardCount);
  let where = "";

  /** `samples` batches of `size` debits: floor first, then the upload of the same rows, one client. */
  async function measure(size) {
    const over = cards.slice(0, Math.min(size, cards.length));
    const perCard = Math.ceil(size / over.length);
    const batches = [];
    for (let i = 0; i < samples; i++) {
      const batch = await debitBatch(scheme, posFleet, over, perCard);
      const { events } = JSON.parse(batch.body);
      batches.push({ setup: batch.setup, body: JSON.stringify({ events: events.slice(0, size) }) });
    }
    // Looked up again each time: the Worker's socket moves when wrangler rebuilds it.
    const socket = await workerSocket(recon, "reconciliation");
    where = socket ? "at the Worker's own socket" : "through wrangler dev's URL";
    const base = socket ?? recon;
    const uploadUrl = `${base}/v1/reconciliation/batches`;
    const floor = await load(autocannon, `${base}/v1/bench/floor/batch`, {
      requests: batches.map(({ body }) => ({ body, headers: {} })),
      connections: 1,
    });
    assertStatus(floor, "200", `floor of ${size}`);
    const requests = await signedBatches(uploadUrl, batches, () => ({
      "idempotency-key": crypto.randomUUID(),
    }));
    const upload = await load(autocannon, uploadUrl, { requests, connections: 1 });
    assertStatus(upload, "200", `upload of ${size}`);
    return { floor: floor.latency, upload: upload.latency };
  }

  // Warm-up: the isolate's caches (JWKS, terminal, keys, policy) and D1's pages, never recorded.
  await measure(Math.min(100, batchSizes.at(-1)));

  for (const size of batchSizes) {
    log(`  scaling: ${samples} batches of ${size}`);
    const { floor, upload } = await measure(size);
    record({
      name: `reconciliation scaling: ${size}-event batch (1 client)`,
      p50_ms: round2(upload.p50),
      p99_ms: round2(upload.p99),
      floor_p99_ms: round2(floor.p99),
      ratio: round2(upload.p99 / floor.p99),
      target_ratio: null,
      notes: `${samples} batches over ${Math.min(size, cards.length)} cards, one client; p99 of ${samples} samples is their slowest; floor p50 ${round2(floor.p50)} ms; measured ${where}`,
    });
  }

  let seeded = 0;
  for (const target of storedSizes) {
    const count = Math.max(0, target - (await storedEvents(recon)));
    if (count > 0) {
      const started = performance.now();
      for (let done = 0; done < count; done += 100_000) {
        const chunk = Math.min(100_000, count - done);
        await post(`${recon}/v1/bench/floor/seed`, { from: seeded, count: chunk });
        seeded += chunk;
      }
      const seconds = (performance.now() - started) / 1000;
      log(`  scaling: seeded ${count} events in ${seconds.toFixed(1)} s`);
      if (target === 100_000 && count / seconds < MILLION_SEED_MIN_RATE && storedSizes.includes(1_000_000)) {
        log("  scaling: seeding too slow on this machine for 1M stored events; stopping at 100k");
        storedSizes.splice(storedSizes.indexOf(1_000_000), 1);
      }
    }
    const stored = await storedEvents(recon);
    log(`  scaling: ${samples} batches of ${storedBatch} with ${stored} events stored`);
    const { floor, upload } = await measure(storedBatch);
    record({
      name: `reconciliation scaling: ${storedBatch}-event batch, ${label(stored)} events stored (1 client)`,
      p50_ms: round2(upload.p50),
      p99_ms: round2(upload.p99),
      floor_p99_ms: round2(floor.p99),
      ratio: round2(upload.p99 / floor.p99),
      target_ratio: null,
      notes: `${stored} events in the table (synthetic ones on cards of their own, bulk-seeded); ${samples} batches, one client; floor p50 ${round2(floor.p50)} ms; measured ${where}`,
    });
  }
}

function label(n) {
  return n >= 1_000_000 ? `${round2(n / 1_000_000)}M` : n >= 1_000 ? `${Math.round(n / 1_000)}k` : String(n);
}

/** How many events the events table holds (the floor routes' count). */
async function storedEvents(recon) {
  return (await post(`${recon}/v1/bench/floor/events`, {})).events;
}
