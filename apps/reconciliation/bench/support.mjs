// Shared by the reconciliation benchmark modules: terminals enrolled through the grants Worker's public API
// (as many as the writes need, none writing more offline than its grant allows), cards written with the
// protocol's own operations on virtual NTAG215 cards (so every signature is real), and an autocannon runner
// over a fixed list of pre-signed requests.
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

export async function post(url, body, headers = {}) {
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
export async function enrolTerminal(grantsBase, admin, role) {
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
    certificateKeys: issued.certificateKeys,
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

/** What `tapVirtualCard` needs of a scheme: the certificate keys (from the certificate key set) and the card rules. */
export async function schemeFrom(jwks) {
  const keys = new Map();
  for (const key of jwks.keys) {
    const version = versionFromKid(key.kid, "certificate");
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

export async function terminalHeaders(setup, method, url) {
  const proof = await createDpopProof({
    privateKey: setup.device.privateKey,
    publicJwk: setup.device.publicJwk,
    htm: method,
    htu: url,
    ath: await accessTokenHash(setup.token),
  });
  return { authorization: `DPoP ${setup.token}`, dpop: proof };
}

/**
 * Terminals of one role, enrolled as the writes need them: the next one takes over before a grant's offline
 * count or value would be passed, as the writes of a real fleet are spread over its terminals. What is
 * measured is then honest terminals' uploads, not a terminal past its grant (`over_grant_limit`).
 */
export function fleet(grantsBase, admin, role) {
  let current;
  let count = 0;
  let value = 0;
  return {
    /** The terminal to make `writes` more offline writes moving `moved` in all. */
    async next(writes = 0, moved = 0) {
      const limits = current?.terminal.grant.limits;
      if (!current || count + writes > limits.cumulativeCount || value + moved > limits.cumulativeValue) {
        current = await enrolTerminal(grantsBase, admin, role);
        count = 0;
        value = 0;
      }
      count += writes;
      value += moved;
      return current;
    },
  };
}

export async function tap(scheme, setup, card, request) {
  const outcome = await tapVirtualCard(scheme, setup.terminal, card, request, {
    now: Math.floor(Date.now() / 1000),
  });
  if (!outcome.result.ok) throw new Error(`tap refused: ${outcome.result.refusal.code}`);
  return outcome.result.event;
}

/** Issues and tops up `count` cards (each station's events uploaded once, not measured). */
export async function issueCards(scheme, stations, reconBase, count) {
  const cards = [];
  const byStation = new Map();
  for (let i = 0; i < count; i++) {
    const card = new VirtualNtag({ model: "NTAG215" });
    // An issue counts against the station's grant; the top-up is online-only and does not.
    const station = await stations.next(1, 0);
    const events = byStation.get(station) ?? [];
    byStation.set(station, events);
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
  for (const [station, events] of byStation)
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

const DEBIT = 10;

/** One batch: `perCard` fresh debits on every card of the set, by the next POS of the fleet that has room. */
export async function debitBatch(scheme, posFleet, cards, perCard) {
  const writes = cards.length * perCard;
  const pos = await posFleet.next(writes, writes * DEBIT);
  const events = [];
  for (let round = 0; round < perCard; round++)
    for (const card of cards) events.push(await tap(scheme, pos, card, { op: "debit", amount: DEBIT }));
  return { setup: pos, body: JSON.stringify({ events }) };
}

/** Runs autocannon over a fixed list of requests (each used once), `connections` at a time. */
export function load(autocannon, url, { requests, connections, method = "POST" }) {
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
export async function signed(setup, url, bodies, extra = () => ({})) {
  return signedBatches(
    url,
    bodies.map((body) => ({ setup, body })),
    extra,
  );
}

/** `signed` for batches each made by its own terminal (`debitBatch`). */
export async function signedBatches(url, batches, extra = () => ({})) {
  const out = [];
  for (const { setup, body } of batches)
    out.push({ body, headers: { ...(await terminalHeaders(setup, "POST", url)), ...extra() } });
  return out;
}

/**
 * The Worker's own socket under `wrangler dev`. wrangler serves its URL from a separate workerd process
 * running a reload proxy (its ProxyWorker, a Durable Object that holds requests while the Worker rebuilds),
 * which fetches each request again from the workerd running the Worker itself: a second HTTP hop that no
 * deployment has, costing a bare 202 about as much as the Worker does. Found on Linux from /proc (the
 * proxy's parent wrangler, its other workerd child, the listening socket of that one answering /healthz
 * as `service`); null anywhere else or when not found, and the caller measures through wrangler's URL.
 */
export async function workerSocket(url, service) {
  if (process.platform !== "linux") return null;
  try {
    const { readFileSync, readdirSync, readlinkSync } = await import("node:fs");
    const listening = new Map(); // socket inode → port, for sockets listening on 127.0.0.1
    for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue;
      const [address, port] = f[1].split(":");
      if (address === "0100007F") listening.set(f[9], Number.parseInt(port, 16));
    }
    const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
    const parentOf = (pid) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1];
    const portsOf = (pid) => {
      const ports = [];
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && listening.has(inode)) ports.push(listening.get(inode));
      }
      return ports;
    };
    const wranglerPort = Number(new URL(url).port);
    const proxy = pids.find((pid) => {
      try {
        return portsOf(pid).includes(wranglerPort);
      } catch {
        return false;
      }
    });
    if (!proxy) return null;
    const wrangler = parentOf(proxy);
    for (const pid of pids) {
      try {
        if (pid === proxy || parentOf(pid) !== wrangler) continue;
        if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
        for (const port of portsOf(pid)) {
          const candidate = `http://127.0.0.1:${port}`;
          const answer = await fetch(`${candidate}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(
            () => null,
          );
          if (!answer?.ok) continue;
          const body = await answer.json().catch(() => null);
          if (body?.service === service) return candidate;
        }
      } catch {
        // A process that went away, or whose fds are not ours to read.
      }
    }
  } catch {
    return null;
  }
  return null;
}
