// Deny-list cost growth: the same operations at 10,000, 100,000 and 1,000,000 card entries, each beside a
// floor measured in the same run, so growth shows as the ratio moving rather than as machine noise.
// - snapshot (JSON chunks): what a terminal with no list does (packages/terminal-engine/src/sync/deny-list.ts):
//   every 10,000-entry chunk of `GET /v1/deny-list?chunk=N`, one after another, assembled with
//   `DenyList.fromSnapshotChunks`. Floor: as many sequential `GET /bench/floor` (one KV read each).
// - snapshot (TDL1 binary): the whole list as 8 bytes per card in one response, decoded with `fromBinary`.
//   Floor: one `GET /bench/floor`.
// - delta: a terminal one step behind (`?since=<version>`, 1% of the list changed) fetches the JSON delta and
//   applies it to its list with `applyDelta`. Floor: one `GET /bench/floor`.
// - lookups: 1,000 `hasCard` calls (half listed, half not), as a tap makes one per card read. Floor: the same
//   1,000 lookups in a native `Set` of the same ids (the fastest membership test JavaScript has, at several
//   times the memory the sorted 8-byte array uses).
// The list is replaced at each size through the benchmark-only bulk import (BENCH_FLOOR=1). The calls use the
// admin bearer token; a terminal sends its grant with a DPoP proof, which adds the same fixed cost to every
// size. Run it with `pnpm bench -- --only=deny-list`.
import { DenyList, DenyListDelta, DenyListSnapshotChunk } from "@tessera/protocol";
import { median, percentile, round2 } from "../../../scripts/lib/bench-stats.mjs";

const LOOKUPS_PER_SAMPLE = 1_000;
/** Lookups may cost this much more than a native Set: they parse the hex id and binary-search 8-byte ids. */
const LOOKUP_TARGET_RATIO = 10;

const hex32 = (n) => (n >>> 0).toString(16).padStart(8, "0");
/** The ids the bench import writes for entry i (apps/grants/src/routes/bench). */
const idOf = (i) => hex32(Math.imul(i, 0x9e3779b1)) + hex32(i * 2);

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export async function run({ urls, adminToken, record, smoke = false, log = () => {} }) {
  const base = urls.grants.replace(/\/$/, "");
  const admin = { Authorization: `Bearer ${adminToken}` };
  const json = async (path, init = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: { ...admin, ...init.headers } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const floor = async () => {
    const response = await fetch(`${base}/bench/floor`);
    if (response.status !== 200)
      throw new Error("GET /bench/floor is off: start the grants Worker with the var BENCH_FLOOR=1");
    await response.arrayBuffer();
  };
  await floor();

  const sizes = smoke ? [1_000, 5_000] : [10_000, 100_000, 1_000_000];
  for (const size of sizes) {
    const label = size.toLocaleString("en");
    log(`  deny list of ${label} entries`);
    const { version } = await json("/bench/deny-list/seed", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ cards: size }),
    });
    const snapshotSamples = smoke ? 2 : size >= 1_000_000 ? 3 : 5;

    // ---- JSON chunks, as the terminal engine fetches a snapshot ----
    const chunked = [];
    const chunkedFloor = [];
    let list;
    let chunks = 0;
    for (let sample = 0; sample < snapshotSamples; sample++) {
      const run = await timed(async () => {
        const first = DenyListSnapshotChunk.parse(await json("/v1/deny-list"));
        const all = [first];
        for (let n = 1; n < first.chunks; n++)
          all.push(
            DenyListSnapshotChunk.parse(await json(`/v1/deny-list?chunk=${n}&version=${first.version}`)),
          );
        return DenyList.fromSnapshotChunks(all);
      });
      list = run.value;
      chunks = Math.ceil(size / 10_000);
      chunked.push(run.ms);
      chunkedFloor.push(
        (
          await timed(async () => {
            for (let n = 0; n < chunks; n++) await floor();
          })
        ).ms,
      );
    }
    if (list.version !== version || list.cardCount !== size)
      throw new Error("the snapshot is not the seeded list");
    record({
      name: `deny list ${label}: snapshot as JSON chunks (fetch + assemble)`,
      p50_ms: round2(percentile(chunked, 50)),
      p99_ms: round2(percentile(chunked, 99)),
      floor_p99_ms: round2(percentile(chunkedFloor, 99)),
      ratio: round2(percentile(chunked, 99) / percentile(chunkedFloor, 99)),
      target_ratio: null,
      notes: `${chunks} chunks of ≤ 10,000 entries fetched in turn; ${snapshotSamples} samples, the first builds the snapshot from D1 (${round2(chunked[0])} ms); floor: ${chunks} sequential one-KV-read requests`,
    });

    // ---- TDL1 binary snapshot ----
    // The binary snapshot is rebuilt in the background after a change and the previous one served meanwhile:
    // wait (unmeasured) until it is the seeded list.
    const binaryUrl = `${base}/v1/deny-list`;
    const binaryHeaders = { ...admin, Accept: "application/octet-stream" };
    for (let waited = 0; ; waited++) {
      const response = await fetch(binaryUrl, { headers: binaryHeaders });
      await response.arrayBuffer();
      if (Number(response.headers.get("X-Deny-List-Version")) === version) break;
      if (waited > 120) throw new Error(`the binary snapshot did not reach version ${version} in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const binary = [];
    const binaryFloor = [];
    let bytes = 0;
    for (let sample = 0; sample < snapshotSamples; sample++) {
      const run = await timed(async () => {
        const response = await fetch(binaryUrl, { headers: binaryHeaders });
        if (response.status !== 200) throw new Error(`binary snapshot answered ${response.status}`);
        const body = new Uint8Array(await response.arrayBuffer());
        bytes = body.length;
        return DenyList.fromBinary(body);
      });
      if (run.value.cardCount !== size)
        throw new Error(`the binary snapshot holds ${run.value.cardCount} cards, not the ${size} seeded`);
      binary.push(run.ms);
      binaryFloor.push((await timed(floor)).ms);
    }
    record({
      name: `deny list ${label}: snapshot as TDL1 binary (fetch + decode)`,
      p50_ms: round2(percentile(binary, 50)),
      p99_ms: round2(percentile(binary, 99)),
      floor_p99_ms: round2(percentile(binaryFloor, 99)),
      ratio: round2(percentile(binary, 99) / percentile(binaryFloor, 99)),
      target_ratio: null,
      notes: `${bytes} bytes; ${snapshotSamples} samples once the new snapshot is built (the previous one is served meanwhile); floor: one KV read`,
    });

    // ---- Delta: 1% of the list changed since the terminal's version ----
    const changes = Math.max(2, Math.floor(size / 100 / 2) * 2);
    const { to } = await json("/bench/deny-list/changes", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ seeded: size, changes }),
    });
    const deltaSamples = smoke ? 3 : 10;
    const deltas = [];
    const deltaFloor = [];
    let current = list;
    for (let sample = 0; sample < deltaSamples; sample++) {
      const run = await timed(async () =>
        list.applyDelta(DenyListDelta.parse(await json(`/v1/deny-list?since=${version}`))),
      );
      current = run.value;
      deltas.push(run.ms);
      deltaFloor.push((await timed(floor)).ms);
    }
    if (
      current.version !== to ||
      current.cardCount !== size ||
      !current.hasCard(idOf(size)) ||
      current.hasCard(idOf(0))
    )
      throw new Error("the delta did not bring the list to the expected state");
    record({
      name: `deny list ${label}: delta of ${changes.toLocaleString("en")} changes (fetch + apply)`,
      p50_ms: round2(percentile(deltas, 50)),
      p99_ms: round2(percentile(deltas, 99)),
      floor_p99_ms: round2(percentile(deltaFloor, 99)),
      ratio: round2(percentile(deltas, 99) / percentile(deltaFloor, 99)),
      target_ratio: null,
      notes: `JSON delta as the engine fetches it; ${deltaSamples} samples, the first computes it from D1 (${round2(deltas[0])} ms); floor: one KV read`,
    });

    // ---- Lookups, one per card read ----
    const ids = [];
    for (let i = 0; i < LOOKUPS_PER_SAMPLE; i++)
      ids.push(i % 2 ? idOf(Math.floor((i * 7_919) % size)) : idOf(size * 4 + i));
    const native = new Set(current.cardIds());
    const lookupSamples = smoke ? 5 : 200;
    const lookups = [];
    const lookupFloor = [];
    let listed = 0;
    for (let sample = 0; sample < lookupSamples; sample++) {
      let hits = 0;
      lookupFloor.push(
        (
          await timed(() => {
            for (const id of ids) if (native.has(id)) hits++;
          })
        ).ms,
      );
      lookups.push(
        (
          await timed(() => {
            for (const id of ids) if (current.hasCard(id)) listed++;
          })
        ).ms,
      );
      listed -= hits;
    }
    if (listed !== 0) throw new Error("the list and the Set disagree on a lookup");
    record({
      name: `deny list ${label}: ${LOOKUPS_PER_SAMPLE.toLocaleString("en")} card lookups`,
      p50_ms: round2(percentile(lookups, 50)),
      p99_ms: round2(percentile(lookups, 99)),
      floor_p99_ms: round2(percentile(lookupFloor, 99)),
      ratio: round2(percentile(lookups, 99) / percentile(lookupFloor, 99)),
      target_ratio: LOOKUP_TARGET_RATIO,
      throughput_rps: Math.round((LOOKUPS_PER_SAMPLE * 1000) / median(lookups)),
      notes: `${lookupSamples} samples of ${LOOKUPS_PER_SAMPLE} hasCard calls (half listed) on the sorted 8-byte id array; floor: a native Set of the same ${label} hex ids; throughput in lookups/s`,
    });
  }
}
