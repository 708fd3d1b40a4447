// Reconciliation benchmarks, each beside its floor route (BENCH_FLOOR=1) in the same run:
// - 500-event batch: `POST /v1/reconciliation/batches` with 500 fresh debits over 100 cards (DPoP + grant
//   checked, every event's signature, certificate, slot signature and chain verified, each card's ledger
//   extended from its stored tail, one D1 batch) beside `POST /v1/bench/floor/batch`, a bare D1 batch
//   insert of the same rows. Targets: p99 within 3× of the floor and under 300 ms (seed: < 1 s). One client;
//   a warm-up round (unrecorded) first; rounds alternate floor → upload so drift hits both alike.
// - sustained events/s: 500-event batches from 2 concurrent clients over two disjoint card sets.
// - terminal report: `POST /v1/reports` (grant + DPoP, 202, stored after the answer) beside
//   `POST /v1/bench/floor/accepted`, a 202 with no work, both sent the same headers and body. Target: p99
//   under 10 ms (seed: < 500 ms), measured at one client — a terminal sends one report at a time — after an
//   unrecorded warm-up; a second entry shows 4 clients, where the 2-core machine (shared with the load
//   generator) queues requests and the floor itself is far above 10 ms.
// Every entry is measured at the reconciliation Worker's own workerd socket when it can be found (Linux),
// bypassing the reload proxy `wrangler dev` puts in front of it, which no deployment has and which costs a
// bare 202 about as much as the Worker does (docs/benchmarks.md); the floors are measured the same way.
// Terminals are enrolled through the grants Worker's public API (a fleet: each writes no more than its grant
// allows offline, so the uploads measured are honest terminals' own) and cards are written with the protocol's
// own operations on virtual NTAG215 cards, so every signature is real. Run with `pnpm bench`.
import { assertStatus, median, round2 } from "../../../scripts/lib/bench-stats.mjs";
import {
  debitBatch,
  fleet,
  issueCards,
  load,
  schemeFrom,
  signed,
  signedBatches,
  workerSocket,
} from "./support.mjs";

const BATCH_TARGET_RATIO = 3;
const BATCH_BUDGET_MS = 300;
const REPORT_BUDGET_MS = 10;

export async function run({ urls, baseUrl, adminToken, autocannon, record, smoke = false, log = () => {} }) {
  const all = urls ?? baseUrl;
  const recon = all.reconciliation.replace(/\/$/, "");
  const grants = all.grants.replace(/\/$/, "");
  const admin = { Authorization: `Bearer ${adminToken}` };
  const probe = await fetch(`${recon}/v1/bench/floor/accepted`, { method: "POST" });
  if (probe.status !== 202)
    throw new Error(
      "POST /v1/bench/floor/accepted is off: start the reconciliation Worker with the var BENCH_FLOOR=1",
    );
  await probe.text();

  const cardsPerSet = smoke ? 10 : 100;
  const perCard = smoke ? 2 : 5;
  const rounds = smoke ? 1 : 3;
  const batchesPerRound = smoke ? 2 : 6;
  const sustainedBatches = smoke ? 4 : 16;
  const reports = smoke ? 50 : 300;
  const eventsPerBatch = cardsPerSet * perCard;
  // Looked up again before each measurement: the Worker's socket moves when wrangler rebuilds it.
  let where = "";
  const served = async () => {
    const socket = await workerSocket(recon, "reconciliation");
    where = socket
      ? "at the Worker's own socket (wrangler dev's reload proxy bypassed)"
      : "through wrangler dev's URL (the Worker's own socket was not found)";
    return socket ?? recon;
  };

  log("  enrolling stations and POS terminals");
  const stations = fleet(grants, admin, "station");
  const posFleet = fleet(grants, admin, "pos");
  const scheme = await schemeFrom((await stations.next()).certificateKeys);
  log(`  issuing ${3 * cardsPerSet} cards`);
  const [latencySet, setB, setC] = [
    await issueCards(scheme, stations, recon, cardsPerSet),
    await issueCards(scheme, stations, recon, cardsPerSet),
    await issueCards(scheme, stations, recon, cardsPerSet),
  ];

  // ---- 500-event batches beside the bare D1 insert of the same rows ---------------------------------
  let uploadUrl;
  let floorUrl;
  const batchUrls = async () => {
    const base = await served();
    uploadUrl = `${base}/v1/reconciliation/batches`;
    floorUrl = `${base}/v1/bench/floor/batch`;
  };
  const runs = { floor: [], upload: [] };
  {
    log("  batch warm-up (not recorded)");
    await batchUrls();
    const batch = await debitBatch(scheme, posFleet, latencySet, perCard);
    await load(autocannon, floorUrl, { requests: [{ body: batch.body, headers: {} }], connections: 1 });
    const requests = await signedBatches(uploadUrl, [batch], () => ({
      "idempotency-key": crypto.randomUUID(),
    }));
    assertStatus(await load(autocannon, uploadUrl, { requests, connections: 1 }), "200", "batch warm-up");
  }
  for (let round = 1; round <= rounds; round++) {
    log(`  batch round ${round}/${rounds}: writing ${batchesPerRound * eventsPerBatch} debits`);
    const batches = [];
    for (let i = 0; i < batchesPerRound; i++)
      batches.push(await debitBatch(scheme, posFleet, latencySet, perCard));
    await batchUrls();
    const floor = await load(autocannon, floorUrl, {
      requests: batches.map(({ body }) => ({ body, headers: {} })),
      connections: 1,
    });
    assertStatus(floor, "200", "batch floor");
    runs.floor.push(floor.latency);
    const requests = await signedBatches(uploadUrl, batches, () => ({
      "idempotency-key": crypto.randomUUID(),
    }));
    const upload = await load(autocannon, uploadUrl, { requests, connections: 1 });
    assertStatus(upload, "200", "batch upload");
    runs.upload.push(upload.latency);
  }
  const batchP99 = median(runs.upload.map((l) => l.p99));
  const batchFloorP99 = median(runs.floor.map((l) => l.p99));
  record({
    name: `reconciliation: ${eventsPerBatch}-event batch upload (1 client)`,
    p50_ms: round2(median(runs.upload.map((l) => l.p50))),
    p99_ms: round2(batchP99),
    floor_p99_ms: round2(batchFloorP99),
    ratio: round2(batchP99 / batchFloorP99),
    target_ratio: BATCH_TARGET_RATIO,
    notes: `${rounds} rounds × ${batchesPerRound} batches over ${cardsPerSet} cards (median per round); floor: bare D1 batch insert of the same rows; measured ${where}; p99 under ${BATCH_BUDGET_MS} ms: ${batchP99 < BATCH_BUDGET_MS ? "met" : "missed"}`,
  });

  // ---- Sustained events per second --------------------------------------------------------------------
  log(`  sustained: ${sustainedBatches} batches from 2 clients`);
  const sustainedSet = [];
  for (let i = 0; i < sustainedBatches; i++)
    sustainedSet.push(await debitBatch(scheme, posFleet, i % 2 === 0 ? setB : setC, perCard));
  await batchUrls();
  const sustainedFloor = await load(autocannon, floorUrl, {
    requests: sustainedSet.map(({ body }) => ({ body, headers: {} })),
    connections: 2,
  });
  assertStatus(sustainedFloor, "200", "sustained floor");
  const sustainedRequests = await signedBatches(uploadUrl, sustainedSet, () => ({
    "idempotency-key": crypto.randomUUID(),
  }));
  const sustained = await load(autocannon, uploadUrl, { requests: sustainedRequests, connections: 2 });
  assertStatus(sustained, "200", "sustained upload");
  record({
    name: "reconciliation: sustained batch uploads (2 clients)",
    p50_ms: round2(sustained.latency.p50),
    p99_ms: round2(sustained.latency.p99),
    floor_p99_ms: round2(sustainedFloor.latency.p99),
    ratio: round2(sustained.latency.p99 / sustainedFloor.latency.p99),
    target_ratio: null,
    // autocannon's own clock ticks in whole seconds; with 2 clients always busy, events/s is
    // 2 × events per batch / mean latency.
    throughput_rps: Math.round((2 * eventsPerBatch * 1000) / sustained.latency.mean),
    notes: `throughput is events/s from the mean latency of ${sustainedBatches} batches of ${eventsPerBatch} (2 clients); the floor stores the same rows at ${Math.round((2 * eventsPerBatch * 1000) / sustainedFloor.latency.mean)} events/s; measured ${where}`,
  });

  // ---- Terminal reports beside a bare 202 ----------------------------------------------------------------
  // Any terminal of the fleet reports; a report writes nothing against its grant.
  const pos = await posFleet.next();
  let reportUrl;
  let acceptedUrl;
  const reportBody = () =>
    JSON.stringify({
      terminalId: pos.terminal.credentials.terminalId,
      at: Math.floor(Date.now() / 1000),
      softwareVersion: "bench",
      online: true,
      outboxDepth: 0,
      errors: [],
    });
  /** Floor and route over the same bodies with the same headers (the floor ignores them). */
  async function reportRound(count, connections) {
    const base = await served();
    reportUrl = `${base}/v1/reports`;
    acceptedUrl = `${base}/v1/bench/floor/accepted`;
    const bodies = Array.from({ length: count }, reportBody);
    const floor = await load(autocannon, acceptedUrl, {
      requests: await signed(pos, reportUrl, bodies),
      connections,
    });
    assertStatus(floor, "202", "report floor");
    // Signed after the floor's round, so no proof nears the end of its minute on a slow machine.
    const requests = await signed(pos, reportUrl, bodies);
    const report = await load(autocannon, reportUrl, { requests, connections });
    assertStatus(report, "202", "report");
    return { floor: floor.latency, report: report.latency };
  }
  log("  report warm-up (not recorded)");
  await reportRound(smoke ? 10 : 100, 1);
  for (const connections of [1, 4]) {
    const reportRuns = { floor: [], report: [] };
    for (let round = 1; round <= rounds; round++) {
      log(`  report round ${round}/${rounds} (${connections} client${connections > 1 ? "s" : ""})`);
      const { floor, report } = await reportRound(reports, connections);
      reportRuns.floor.push(floor);
      reportRuns.report.push(report);
    }
    const reportP99 = median(reportRuns.report.map((l) => l.p99));
    const reportFloorP99 = median(reportRuns.floor.map((l) => l.p99));
    record({
      name: `reconciliation: terminal report (POST /v1/reports, ${connections} client${connections > 1 ? "s" : ""})`,
      p50_ms: round2(median(reportRuns.report.map((l) => l.p50))),
      p99_ms: round2(reportP99),
      floor_p99_ms: round2(reportFloorP99),
      ratio: round2(reportP99 / reportFloorP99),
      target_ratio: null,
      notes: `${rounds} rounds × ${reports} reports at ${connections} concurrent client${connections > 1 ? "s" : ""} (median per round), each with a fresh DPoP proof, after a warm-up; measured ${where}; p99 under ${REPORT_BUDGET_MS} ms${connections === 1 ? "" : " (target is for one client)"}: ${reportP99 < REPORT_BUDGET_MS ? "met" : "missed"}`,
    });
  }
}
