import { z } from "@hono/zod-openapi";
import {
  accessTokenHash,
  createDpopProof,
  type Ed25519Jwk,
  generateSigningKeyPair,
  type Jwks,
  jwksKeyFor,
  jwkThumbprint,
  kidForVersion,
  PROBLEM_CONTENT_TYPE,
  ProblemDocument,
  publicKeyToJwk,
  type SessionGrantClaims,
  signGrant,
} from "@tessera/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceApp, type ServiceEnv } from "../app.ts";
import { type JtiKv, kvJtiStore, memoryJtiStore } from "./jti-store.ts";
import { type TerminalPrincipal, type TerminalStatus, terminalAuth } from "./terminal-auth.ts";

const NOW = 1_793_491_200;
const URL_BASE = "https://reconciliation.tessera.test";
const UPLOAD = `${URL_BASE}/v1/batches`;

type TestEnv = ServiceEnv & { Variables: { principal: TerminalPrincipal } };

interface Device {
  privateKey: CryptoKey;
  publicJwk: Ed25519Jwk;
  jkt: string;
}

let backend: { privateKey: CryptoKey; kid: string };
let jwks: Jwks;
let device: Device;
let stranger: Device;

async function newDevice(): Promise<Device> {
  const pair = await generateSigningKeyPair();
  const publicJwk = await publicKeyToJwk(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk, jkt: await jwkThumbprint(publicJwk) };
}

function claims(jkt: string, overrides: Partial<SessionGrantClaims> = {}): SessionGrantClaims {
  return {
    iss: "tessera-grants",
    sub: "trm_canteen_1",
    aud: "tessera",
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 8 * 3600,
    jti: "grt_1",
    cnf: { jkt },
    tid: 7,
    gseq: 3,
    role: "pos",
    ops: ["debit", "refund"],
    limits: { perTransaction: 5_000, cumulativeValue: 100_000, cumulativeCount: 1_000 },
    loc: "canteen",
    pv: 2,
    dlv: 9,
    kv: 1,
    ...overrides,
  };
}

beforeAll(async () => {
  const pair = await generateSigningKeyPair();
  backend = { privateKey: pair.privateKey, kid: kidForVersion(1, "grant") };
  jwks = { keys: [await jwksKeyFor(pair.publicKey, 1, "grant")] };
  device = await newDevice();
  stranger = await newDevice();
});

function buildApp(options: { status?: TerminalStatus; replay?: ReturnType<typeof memoryJtiStore> } = {}) {
  const app = createServiceApp<TestEnv>({
    service: "test",
    version: "0.0.0",
    maxBodyBytes: 1024,
    bindings: z.object({}),
  });
  const replay = options.replay ?? memoryJtiStore(() => NOW);
  app.use(
    "/v1/*",
    terminalAuth<TestEnv>({
      jwks: async () => jwks,
      replay: () => replay,
      terminalStatus: async () => options.status ?? "active",
      now: () => NOW,
    }),
  );
  app.post("/v1/batches", (c) => {
    const principal = c.var.principal;
    return c.json({
      terminalId: principal.terminalId,
      terminalNumber: principal.terminalNumber,
      role: principal.grant.role,
    });
  });
  return app;
}

async function request(
  app: ReturnType<typeof buildApp>,
  init: {
    grant?: string;
    scheme?: string;
    proof?: string | null;
    proofBy?: Device;
    htm?: string;
    htu?: string;
    iat?: number;
    jti?: string;
  } = {},
) {
  const grant = init.grant ?? (await signGrant(claims(device.jkt), backend));
  const signer = init.proofBy ?? device;
  const proof =
    init.proof === null
      ? undefined
      : (init.proof ??
        (await createDpopProof({
          privateKey: signer.privateKey,
          publicJwk: signer.publicJwk,
          htm: init.htm ?? "POST",
          htu: init.htu ?? UPLOAD,
          iat: init.iat ?? NOW,
          ...(init.jti ? { jti: init.jti } : {}),
          ath: await accessTokenHash(grant),
        })));
  const headers: Record<string, string> = { Authorization: `${init.scheme ?? "DPoP"} ${grant}` };
  if (proof !== undefined) headers.DPoP = proof;
  return app.request(UPLOAD, { method: "POST", headers });
}

async function problemOf(response: Response) {
  expect(response.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
  return ProblemDocument.parse(await response.json());
}

describe("terminalAuth", () => {
  it("admits a grant with a fresh proof by its device key and names the terminal", async () => {
    const response = await request(buildApp());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ terminalId: "trm_canteen_1", terminalNumber: 7, role: "pos" });
  });

  it("refuses a request with no credential as unauthenticated, naming the DPoP scheme", async () => {
    const response = await buildApp().request(UPLOAD, { method: "POST" });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('DPoP algs="EdDSA"');
    expect((await problemOf(response)).code).toBe("unauthenticated");
  });

  it("refuses a grant sent as a bearer token", async () => {
    const response = await request(buildApp(), { scheme: "Bearer" });
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("grant_invalid");
  });

  it("refuses a grant signed by a key outside the JWKS", async () => {
    const rogue = await generateSigningKeyPair();
    const grant = await signGrant(claims(device.jkt), {
      privateKey: rogue.privateKey,
      kid: kidForVersion(1, "grant"),
    });
    expect((await problemOf(await request(buildApp(), { grant }))).code).toBe("grant_invalid");
  });

  it("refuses a tampered grant", async () => {
    const grant = await signGrant(claims(device.jkt), backend);
    const [header, payload, signature] = grant.split(".");
    const forged = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    forged.limits.perTransaction = 9_999_999;
    const forgedPayload = btoa(JSON.stringify(forged))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const response = await request(buildApp(), { grant: `${header}.${forgedPayload}.${signature}` });
    expect((await problemOf(response)).code).toBe("grant_invalid");
  });

  it("refuses an expired grant as grant_expired", async () => {
    const grant = await signGrant(
      claims(device.jkt, { iat: NOW - 9 * 3600, nbf: NOW - 9 * 3600, exp: NOW - 3600 }),
      backend,
    );
    const response = await request(buildApp(), { grant });
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("grant_expired");
  });

  it("refuses a request without a proof", async () => {
    const response = await request(buildApp(), { proof: null });
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("dpop_invalid");
  });

  it("refuses a proof made by another key than the grant is bound to (a stolen grant)", async () => {
    expect((await problemOf(await request(buildApp(), { proofBy: stranger }))).code).toBe("dpop_invalid");
  });

  it("refuses a proof made for another method, another URL or long ago", async () => {
    const app = buildApp();
    expect((await problemOf(await request(app, { htm: "GET" }))).detail).toContain("wrong_htm");
    expect((await problemOf(await request(app, { htu: `${URL_BASE}/v1/reports` }))).detail).toContain(
      "wrong_htu",
    );
    expect((await problemOf(await request(app, { iat: NOW - 3600 }))).detail).toContain("stale");
  });

  it("refuses a proof that does not carry the hash of the grant it accompanies", async () => {
    const grant = await signGrant(claims(device.jkt), backend);
    const otherGrant = await signGrant(claims(device.jkt, { jti: "grt_2" }), backend);
    const proof = await createDpopProof({
      privateKey: device.privateKey,
      publicJwk: device.publicJwk,
      htm: "POST",
      htu: UPLOAD,
      iat: NOW,
      ath: await accessTokenHash(otherGrant),
    });
    const response = await request(buildApp(), { grant, proof });
    expect((await problemOf(response)).detail).toContain("ath_mismatch");
  });

  it("refuses two proofs in one request", async () => {
    const grant = await signGrant(claims(device.jkt), backend);
    const make = async () =>
      createDpopProof({
        privateKey: device.privateKey,
        publicJwk: device.publicJwk,
        htm: "POST",
        htu: UPLOAD,
        iat: NOW,
        ath: await accessTokenHash(grant),
      });
    const response = await request(buildApp(), { grant, proof: `${await make()}, ${await make()}` });
    expect((await problemOf(response)).code).toBe("dpop_invalid");
  });

  it("refuses a replayed proof as dpop_replayed, and accepts the next fresh one", async () => {
    const app = buildApp();
    const grant = await signGrant(claims(device.jkt), backend);
    const proof = await createDpopProof({
      privateKey: device.privateKey,
      publicJwk: device.publicJwk,
      htm: "POST",
      htu: UPLOAD,
      iat: NOW,
      ath: await accessTokenHash(grant),
    });
    expect((await request(app, { grant, proof })).status).toBe(200);
    const replayed = await request(app, { grant, proof });
    expect(replayed.status).toBe(401);
    expect((await problemOf(replayed)).code).toBe("dpop_replayed");
    expect((await request(app, { grant })).status).toBe(200);
  });

  it.each([
    ["suspended", 403, "terminal_suspended"],
    ["revoked", 403, "terminal_revoked"],
    ["unknown", 401, "grant_invalid"],
  ] as const)("refuses an unexpired grant of a %s terminal", async (status, httpStatus, code) => {
    const response = await request(buildApp({ status }));
    expect(response.status).toBe(httpStatus);
    expect((await problemOf(response)).code).toBe(code);
  });
});

describe("kvJtiStore", () => {
  function fakeKv() {
    const values = new Map<string, { value: string; ttl: number | undefined }>();
    const kv: JtiKv = {
      async get(key) {
        return values.get(key)?.value ?? null;
      },
      async put(key, value, options) {
        values.set(key, { value, ttl: options?.expirationTtl });
      },
    };
    return { kv, values };
  }

  it("stores each proof id under dpop:<jti> for the replay window, and refuses it the second time", async () => {
    const { kv, values } = fakeKv();
    const store = kvJtiStore(kv);
    expect(await store.claim("abc", 660)).toBe(true);
    expect(values.get("dpop:abc")?.ttl).toBe(660);
    expect(await store.claim("abc", 660)).toBe(false);
    expect(await store.claim("abd", 660)).toBe(true);
  });

  it("never asks KV for a TTL under its 60-second minimum", async () => {
    const { kv, values } = fakeKv();
    await kvJtiStore(kv).claim("short", 5);
    expect(values.get("dpop:short")?.ttl).toBe(60);
  });
});

describe("memoryJtiStore", () => {
  it("forgets a proof id once its window has passed", async () => {
    let now = NOW;
    const store = memoryJtiStore(() => now);
    expect(await store.claim("x", 60)).toBe(true);
    expect(await store.claim("x", 60)).toBe(false);
    now += 61;
    expect(await store.claim("x", 60)).toBe(true);
  });
});
