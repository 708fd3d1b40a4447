// Tap time in headless Chromium (Debian's /usr/bin/chromium through playwright-core): the real terminal
// engine's tap on a virtual NTAG215 — read, verify, decide, sign, durable event in IndexedDB, write, read
// back, settle — timed tap by tap in the page (tap/page.mjs), beside a floor of the same number of raw
// WebCrypto operations per tap plus one IndexedDB put. Targets: median ≤ 25 ms, p99 within 2× of the floor.
// The engine is bundled with the web app's own Vite into a temp dir and served from 127.0.0.1 (IndexedDB and
// WebCrypto need a secure context); the web app's UI is not involved. Needs no Worker: a debit is offline.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";
import { median, percentile, round2 } from "../../../scripts/lib/bench-stats.mjs";

const CHROMIUM = "/usr/bin/chromium";
const MEDIAN_BUDGET_MS = 25;
const TARGET_RATIO = 2;
const here = dirname(fileURLToPath(import.meta.url));

async function bundle(outDir) {
  await build({
    configFile: false,
    logLevel: "silent",
    root: here,
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: "es2023",
      lib: { entry: join(here, "tap", "page.mjs"), formats: ["es"], fileName: () => "tap-bench.js" },
    },
  });
  await writeFile(
    join(outDir, "index.html"),
    '<!doctype html><meta charset="utf-8"><title>tap bench</title><script type="module" src="/tap-bench.js"></script>',
  );
}

function serve(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript" };
  const server = createServer(async (request, response) => {
    const name = request.url === "/" ? "index.html" : request.url.slice(1).split("?")[0];
    try {
      const body = await readFile(join(dir, name));
      response.writeHead(200, { "Content-Type": types[name.slice(name.lastIndexOf("."))] ?? "text/plain" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

/**
 * `TESSERA_TAP_PROFILE=1`: after the measured taps, 200 more on a terminal of their own under Chromium's
 * sampling profiler (CDP), logged as the median time from one tap step to the next and the functions with
 * the most self time. It explains the figures; it is not one of them.
 */
async function profile(context, page, log) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const steps = await page.evaluate(() => globalThis.profileTapSteps({ taps: 200 }));
  const { profile: samples } = await cdp.send("Profiler.stop");
  log(
    `  profile, median ms from the previous step: ${Object.entries(steps)
      .map(([step, ms]) => `${step} ${round2(ms)}`)
      .join(", ")}`,
  );
  const nodes = new Map(samples.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let sampled = 0;
  samples.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url ? `${url.split("/").pop()}:${lineNumber + 1}` : "native";
    const key = `${functionName || "(anonymous)"} (${where})`;
    const micros = samples.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + micros);
    sampled += micros;
  });
  log(`  profile, self time over ${round2(sampled / 1000)} ms sampled:`);
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
    log(
      `    ${round2(micros / 1000)
        .toString()
        .padStart(8)} ms  ${key}`,
    );
  await cdp.detach();
}

export async function run({ record, smoke = false, log = () => {} }) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const taps = smoke ? 20 : 500;
  const calibration = smoke ? 5 : 20;
  const dir = await mkdtemp(join(tmpdir(), "tessera-tap-bench-"));
  const userData = await mkdtemp(join(tmpdir(), "tessera-tap-bench-profile-"));
  let context;
  let server;
  try {
    log("  bundling the terminal engine for the page");
    await bundle(dir);
    const served = await serve(dir);
    server = served.server;
    context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${served.origin}/`);
    await page.waitForFunction(() => typeof globalThis.runTapBench === "function");
    log(`  ${taps} taps in Chromium`);
    const { tapMs, floorMs, perTap, outbox } = await page.evaluate((input) => globalThis.runTapBench(input), {
      taps,
      calibration,
    });
    if (tapMs.length !== taps || outbox !== taps + calibration)
      throw new Error(`expected ${taps + calibration} durable events, the outbox holds ${outbox}`);
    if (process.env.TESSERA_TAP_PROFILE === "1") await profile(context, page, log);
    const p50 = median(tapMs);
    const floorP50 = median(floorMs);
    record({
      name: "tap on a virtual NTAG215 in Chromium (verify, decide, sign, write, durable event)",
      p50_ms: round2(p50),
      p99_ms: round2(percentile(tapMs, 99)),
      p95_ms: round2(percentile(tapMs, 95)),
      floor_p99_ms: round2(percentile(floorMs, 99)),
      ratio: round2(percentile(tapMs, 99) / percentile(floorMs, 99)),
      target_ratio: TARGET_RATIO,
      throughput_rps: Math.round(1000 / (tapMs.reduce((a, b) => a + b, 0) / taps)),
      notes: `${taps} debits after ${calibration} warm-up taps; p95 ${round2(percentile(tapMs, 95))} ms; median ${round2(p50)} ms vs ${MEDIAN_BUDGET_MS} ms budget (${p50 <= MEDIAN_BUDGET_MS ? "met" : "missed"}); median ratio ${round2(p50 / floorP50)}; floor per tap: ${perTap.sign} Ed25519 signs, ${perTap.verify} verifies, ${perTap.digest} SHA-256 digests and one IndexedDB put (p50 ${round2(floorP50)} ms, p95 ${round2(percentile(floorMs, 95))} ms); throughput in taps/s`,
    });
  } finally {
    await context?.close();
    server?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(userData, { recursive: true, force: true });
  }
}
