// The page side of the tap benchmark, bundled for Chromium by tap.bench.mjs. It runs the real terminal engine
// on the browser's own IndexedDB and WebCrypto: a POS terminal enrolled against the in-page test backend (a
// debit never touches the network) taps a virtual NTAG215 through VirtualCardTransport, the transport demo
// mode uses. Then the floor: per tap, the same number of raw WebCrypto operations the engine's taps were seen
// to make, plus one IndexedDB put in its own transaction.
import { createTestTerminal } from "@tessera/terminal-engine/testing";

const OPERATIONS = ["sign", "verify", "digest"];

/** Counts WebCrypto calls made while `work` runs, by operation. */
async function countCrypto(work) {
  const subtle = crypto.subtle;
  const counts = { sign: 0, verify: 0, digest: 0 };
  const originals = {};
  for (const name of OPERATIONS) {
    originals[name] = subtle[name];
    subtle[name] = (...args) => {
      counts[name]++;
      return originals[name].apply(subtle, args);
    };
  }
  try {
    await work();
  } finally {
    for (const name of OPERATIONS) delete subtle[name];
  }
  return counts;
}

function openFloorDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`tap-floor-${crypto.randomUUID()}`, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("events");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function putDurably(db, key, value) {
  return new Promise((resolve, reject) => {
    // As durable as the tap's own journal write (packages/terminal-engine/src/storage/database.ts).
    const tx = db.transaction("events", "readwrite", { durability: "strict" });
    tx.objectStore("events").put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

globalThis.runTapBench = async ({ taps, calibration }) => {
  const t = await createTestTerminal({ role: "pos" });
  const { transport } = await t.card(40_000);
  const tapOnce = async () => {
    const result = await t.engine.tap(transport, { op: "debit", amount: 1 });
    if (result.kind !== "done") throw new Error(`tap ${result.kind}: ${JSON.stringify(result)}`);
  };

  // Calibration taps (also the warm-up): how many signatures, verifications and digests one tap makes.
  const counted = await countCrypto(async () => {
    for (let i = 0; i < calibration; i++) await tapOnce();
  });
  const perTap = Object.fromEntries(
    OPERATIONS.map((name) => [name, Math.round(counted[name] / calibration)]),
  );

  const tapMs = [];
  for (let i = 0; i < taps; i++) {
    const start = performance.now();
    await tapOnce();
    tapMs.push(performance.now() - start);
  }
  const outbox = t.engine.getSnapshot().outbox.depth;
  await t.engine.close();

  // The floor, on the same kind of key, message sizes like a slot's and an event's, and a durable put.
  const keys = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const message = crypto.getRandomValues(new Uint8Array(240));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, message);
  const db = await openFloorDatabase();
  const event = { id: "", body: crypto.getRandomValues(new Uint8Array(600)) };
  const floorOnce = async (i) => {
    for (let n = 0; n < perTap.sign; n++)
      await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, message);
    for (let n = 0; n < perTap.verify; n++)
      await crypto.subtle.verify({ name: "Ed25519" }, keys.publicKey, signature, message);
    for (let n = 0; n < perTap.digest; n++) await crypto.subtle.digest("SHA-256", message);
    await putDurably(db, `event-${i}`, { ...event, id: `event-${i}` });
  };
  for (let i = 0; i < calibration; i++) await floorOnce(-1 - i);
  const floorMs = [];
  for (let i = 0; i < taps; i++) {
    const start = performance.now();
    await floorOnce(i);
    floorMs.push(performance.now() - start);
  }
  db.close();
  return { tapMs, floorMs, perTap, outbox };
};

/**
 * Where a tap's time goes, for `TESSERA_TAP_PROFILE=1`: the time between the engine's tap steps (its
 * `onTapStep` hook), as medians over `taps` debits on a terminal of its own. Not part of the figures.
 */
globalThis.profileTapSteps = async ({ taps }) => {
  let last = 0;
  const spans = {};
  const note = (step, ms) => {
    spans[step] ??= [];
    spans[step].push(ms);
  };
  const t = await createTestTerminal({
    role: "pos",
    engine: {
      onTapStep: (step) => {
        const now = performance.now();
        note(step, now - last);
        last = now;
      },
    },
  });
  const { transport } = await t.card(40_000);
  const total = [];
  for (let i = 0; i < taps; i++) {
    const start = performance.now();
    last = start;
    const result = await t.engine.tap(transport, { op: "debit", amount: 1 });
    if (result.kind !== "done") throw new Error(`tap ${result.kind}`);
    note("result", performance.now() - last);
    total.push(performance.now() - start);
  }
  await t.engine.close();
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  return {
    ...Object.fromEntries(Object.entries(spans).map(([step, values]) => [step, median(values)])),
    total: median(total),
  };
};
