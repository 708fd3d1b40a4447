// Reconciliation benchmarks, each beside its floor route (BENCH_FLOOR=1) in the same run:
// - 500-event batch: `POST /v1/reconciliation/batches` with 500 fresh debits over 100 cards (DPoP + grant
//   checked, every event's signature, certificate, slot signature and chain verified, each card's ledger
//   recomputed from all its stored events, one D1 batch) beside `POST /v1/bench/floor/batch`, a bare D1
//   batch insert of the same rows. Targets: p99 within 3× of the floor and under 300 ms (seed: < 1 s).
//   Rounds alternate floor → upload so drift on a shared machine hits both alike.
// - sustained events/s: 500-event batches from 2 concurrent clients over two disjoint card sets.
// - terminal report: `POST /v1/reports` (grant + DPoP, 202, stored after the answer) beside
//   `POST /v1/bench/floor/accepted`, a 202 with no work. Target: p99 under 10 ms (seed: < 500 ms).
// Terminals are enrolled through the grants Worker's public API and cards are written with the protocol's
// own operations on virtual NTAG215 cards, so every signature is real. Run with `pnpm bench`.
import {
  accessTokenHash,
  createDpopProof,
  decodeGrantUnverified,
  fromBase64Url,
  generateSigningKeyPair,
  publicKeyToJwk,
  versionFromKid,
} from "@tessera/protocol";
import { tapVirtualCard } from "@tessera/protocol/testing";
import { VirtualNtag } from "@tessera/protocol/virtual-card";
import { assertStatus, median, round2 } from "../../../scripts/lib/bench-stats.mjs";

const BATCH_TARGET_RATIO = 3;
const BATCH_BUDGET_MS = 300;
const REPORT_BUDGET_MS = 10;

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** A terminal as a real one comes to be: device key, enrolment code, enrolment, then its session grant. */
async function enrolTerminal(grantsBase, admin, role) {
  const pair = await generateSigningKeyPair(false);
  const publicJwk = await publicKeyToJwk(pair.publicKey);
  const { code } = await post(
    `${grantsBase}/v1/enrolment-codes`,
    { role, name: `bench ${role}`, locationId: "bench" },
    admin,
  );
  const { terminalId } = await post(`${grantsBase}/v1/terminals`, { code, publicKey: publicJwk });
  const htu = `${grantsBase}/v1/grants`;
  const dpop = await createDpopProof({ privateKey: pair.privateKey, publicJwk, htm: "POST", htu });
  const issued = await post(htu, { terminalId }, { DPoP: dpop });
  const claims = decodeGrantUnverified(issued.grant).claims;
  return {
    device: { privateKey: pair.privateKey, publicJwk },
    token: issued.grant,
    jwks: issued.jwks,
    terminal: {
      role,
      credentials: {
        terminalId,
        terminalNumber: issued.terminalNumber,
        certificate: fromBase64Url(issued.certificate),
        deviceKey: pair.privateKey,
      },
      grant: {
        grantId: claims.jti,
        grantSeq: claims.gseq,
        operations: claims.ops,
        limits: claims.limits,
        notBefore: claims.nbf,
        expiresAt: claims.exp,
        locationId: claims.loc,
      },
      usage: { value: 0, count: 0 },
      seq: 0,
    },
  };
}

/** What `tapVirtualCard` needs of a scheme: the backend keys (from the JWKS) and the policy's card rules. */
async function schemeFrom(jwks) {
  const keys = new Map();
  for (const key of jwks.keys) {
    const version = versionFromKid(key.kid);
    if (version === undefined) continue;
    keys.set(
      version,
      await crypto.subtle.importKey(
        "jwk",
        { kty: key.kty, crv: key.crv, x: key.x },
        { name: "Ed25519" },
        true,
        ["verify"],
      ),
    );
  }
  const context = { keys, policy: { readableLayouts: [1], acceptedKeyVersions: [...keys.keys()] } };
  const policy = { balanceCap: 50_000, sessions: { required: false, entryFee: 0 }, layouts: { write: 1 } };
  return { policy, context: () => context };
}

async function terminalHeaders(setup, method, url) {
  const proof = await createDpopProof({
    privateKey: setup.device.privateKey,
    publicJwk: setup.device.publicJwk,
    htm: method,
    htu: url,
    ath: await accessTokenHash(setup.token),
  });
  return { authorization: `DPoP ${setup.token}`, dpop: proof };
}

async function tap(scheme, setup, card, request) {
  // The benchmark stands for many terminals' worth of taps; one grant's offline count limit would stop it.
  setup.terminal.usage = { value: 0, count: 0 };
  const outcome = await tapVirtualCard(scheme, setup.terminal, card, request, {
    now: Math.floor(Date.now() / 1000),
  });
  if (!outcome.result.ok) throw new Error(`tap refused: ${outcome.result.refusal.code}`);
  return outcome.result.event;
}

/** Issues and tops up `count` cards (the station's events uploaded once, not measured). */
async function issueCards(scheme, station, reconBase, count) {
  const cards = [];
  const events = [];
  for (let i = 0; i < count; i++) {
    const card = new VirtualNtag({ model: "NTAG215" });
    const issue = await tap(scheme, station, card, { op: "issue" });
    const url = `${reconBase}/v1/topups/authorisations`;
    const { authorisationId } = await post(
      url,
      { cardId: issue.card.id, amount: 50_000 },
      await terminalHeaders(station, "POST", url),
    );
    events.push(issue, await tap(scheme, station, card, { op: "topup", amount: 50_000, authorisationId }));
    cards.push(card);
  }
  for (let from = 0; from < events.length; from += 500) {
    const url = `${reconBase}/v1/reconciliation/batches`;
    const headers = {
      ...(await terminalHeaders(station, "POST", url)),
      "Idempotency-Key": crypto.randomUUID(),
    };
    await post(url, { events: events.slice(from, from + 500) }, headers);
  }
  return cards;
}

/** One batch body: `perCard` fresh debits on every card of the set. */
async function debitBatch(scheme, pos, cards, perCard) {
  const events = [];
  for (let round = 0; round < perCard; round++)
    for (const card of cards) events.push(await tap(scheme, pos, card, { op: "debit", amount: 10 }));
  return JSON.stringify({ events });
}

/** Runs autocannon over a fixed list of requests (each used once), `connections` at a time. */
function load(autocannon, url, { requests, connections, method = "POST" }) {
  let index = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        amount: requests.length,
        method,
        timeout: 60,
        requests: [
          {
            method,
            setupRequest(request) {
              const { body, headers } = requests[index++ % requests.length];
              return {
                ...request,
                body,
                headers: { ...request.headers, "content-type": "application/json", ...headers },
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Fresh DPoP proofs (single use, valid for a minute) made just before the requests go out. */
async function signed(setup, url, bodies, extra = () => ({})) {
  const out = [];
  for (const body of bodies)
    out.push({ body, headers: { ...(await terminalHeaders(setup, "POST", url)), ...extra() } });
  return out;
}

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
  const reports = smoke ? 50 : 500;
  const eventsPerBatch = cardsPerSet * perCard;

  log("  enrolling a station and a POS terminal");
  const station = await enrolTerminal(grants, admin, "station");
  const pos = await enrolTerminal(grants, admin, "pos");
  const scheme = await schemeFrom(station.jwks);
  log(`  issuing ${3 * cardsPerSet} cards`);
  const [latencySet, setB, setC] = [
    await issueCards(scheme, station, recon, cardsPerSet),
    await issueCards(scheme, station, recon, cardsPerSet),
    await issueCards(scheme, station, recon, cardsPerSet),
  ];

  // ---- 500-event batches beside the bare D1 insert of the same rows ---------------------------------
  const uploadUrl = `${recon}/v1/reconciliation/batches`;
  const floorUrl = `${recon}/v1/bench/floor/batch`;
  const runs = { floor: [], upload: [] };
  for (let round = 1; round <= rounds; round++) {
    log(`  batch round ${round}/${rounds}: writing ${batchesPerRound * eventsPerBatch} debits`);
    const bodies = [];
    for (let i = 0; i < batchesPerRound; i++) bodies.push(await debitBatch(scheme, pos, latencySet, perCard));
    const floor = await load(autocannon, floorUrl, {
      requests: bodies.map((body) => ({ body, headers: {} })),
      connections: 1,
    });
    assertStatus(floor, "200", "batch floor");
    runs.floor.push(floor.latency);
    const requests = await signed(pos, uploadUrl, bodies, () => ({ "idempotency-key": crypto.randomUUID() }));
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
    notes: `${rounds} rounds × ${batchesPerRound} batches over ${cardsPerSet} cards (median per round); floor: bare D1 batch insert of the same rows; p99 under ${BATCH_BUDGET_MS} ms: ${batchP99 < BATCH_BUDGET_MS ? "met" : "missed"}`,
  });

  // ---- Sustained events per second --------------------------------------------------------------------
  log(`  sustained: ${sustainedBatches} batches from 2 clients`);
  const sustainedBodies = [];
  for (let i = 0; i < sustainedBatches; i++)
    sustainedBodies.push(await debitBatch(scheme, pos, i % 2 === 0 ? setB : setC, perCard));
  const sustainedFloor = await load(autocannon, floorUrl, {
    requests: sustainedBodies.map((body) => ({ body, headers: {} })),
    connections: 2,
  });
  assertStatus(sustainedFloor, "200", "sustained floor");
  const sustainedRequests = await signed(pos, uploadUrl, sustainedBodies, () => ({
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
    notes: `throughput is events/s from the mean latency of ${sustainedBatches} batches of ${eventsPerBatch} (2 clients); the floor stores the same rows at ${Math.round((2 * eventsPerBatch * 1000) / sustainedFloor.latency.mean)} events/s`,
  });

  // ---- Terminal reports beside a bare 202 ----------------------------------------------------------------
  const reportUrl = `${recon}/v1/reports`;
  const acceptedUrl = `${recon}/v1/bench/floor/accepted`;
  const reportBody = () =>
    JSON.stringify({
      terminalId: pos.terminal.credentials.terminalId,
      at: Math.floor(Date.now() / 1000),
      softwareVersion: "bench",
      online: true,
      outboxDepth: 0,
      errors: [],
    });
  const reportRuns = { floor: [], report: [] };
  for (let round = 1; round <= rounds; round++) {
    log(`  report round ${round}/${rounds}`);
    const bodies = Array.from({ length: reports }, reportBody);
    const floor = await load(autocannon, acceptedUrl, {
      requests: bodies.map((body) => ({ body, headers: {} })),
      connections: 4,
    });
    assertStatus(floor, "202", "report floor");
    reportRuns.floor.push(floor.latency);
    const report = await load(autocannon, reportUrl, {
      requests: await signed(pos, reportUrl, bodies),
      connections: 4,
    });
    assertStatus(report, "202", "report");
    reportRuns.report.push(report.latency);
  }
  const reportP99 = median(reportRuns.report.map((l) => l.p99));
  const reportFloorP99 = median(reportRuns.floor.map((l) => l.p99));
  record({
    name: "reconciliation: terminal report (POST /v1/reports, 4 clients)",
    p50_ms: round2(median(reportRuns.report.map((l) => l.p50))),
    p99_ms: round2(reportP99),
    floor_p99_ms: round2(reportFloorP99),
    ratio: round2(reportP99 / reportFloorP99),
    target_ratio: null,
    notes: `${rounds} rounds × ${reports} reports, each with a fresh DPoP proof; p99 under ${REPORT_BUDGET_MS} ms: ${reportP99 < REPORT_BUDGET_MS ? "met" : "missed"}`,
  });
}
