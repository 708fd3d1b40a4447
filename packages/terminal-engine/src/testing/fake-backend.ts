/**
 * An in-process stand-in for the three Workers, implementing the terminal-facing contract with protocol's
 * real functions: grants signed with a backend grant key, certificates issued with the separate certificate
 * key of the same version (or, as a backend from before keys were split, one key for both), DPoP proofs and grants
 * verified on every request, deny-list deltas and snapshots, ETags, idempotent batch uploads and a per-card
 * ledger. Faults (no network, error answers, lost answers) are injected per request. For tests, demo mode
 * and the simulator; it stores everything in memory.
 */
import {
  applyOperation,
  type CatalogDocument,
  type CertificateKeySet,
  cardImageFromRead,
  cardRecords,
  chunkDenyListSnapshot,
  DEFAULT_CATALOG,
  DEFAULT_POLICY,
  type DenyListContents,
  diffDenyLists,
  documentEtag,
  type ErrorCode,
  exportPublicKeyRaw,
  type FlagKind,
  fromBase64Url,
  type GrantScope,
  generateSigningKeyPair,
  importPublicKeyRaw,
  issueCertificate,
  type Jwks,
  jwksKeyFor,
  jwkThumbprint,
  kidForVersion,
  type OperationRequest,
  type PolicyDocument,
  problemFor,
  ReconcileBatch,
  type ReconcileEventResult,
  type ReconcileResult,
  ROLE_CEILING,
  type Role,
  type SessionGrantClaims,
  signGrant,
  type TerminalCredentials,
  TerminalEnrolmentRequest,
  type TerminalEvent,
  TerminalReport,
  toBase64Url,
  verifyCard,
  verifyDpopProof,
  verifyEventSignature,
  verifyGrant,
} from "@tessera/protocol";
import type { VirtualNtag } from "@tessera/protocol/virtual-card";
import type { Endpoints } from "../backend/backend-client.ts";

const HOUR = 3600;

export interface FakeTerminal {
  terminalId: string;
  terminalNumber: number;
  role: Role;
  locationId: string;
  name: string;
  publicKey: CryptoKey;
  jkt: string;
  gseq: number;
  revoked: boolean;
}

export interface StoredEvent {
  event: TerminalEvent;
  /** Booked into the card's ledger (a confirmed event); voided and unsettled ones are evidence only. */
  booked: boolean;
  flags: FlagKind[];
}

export interface LedgerEntry {
  eventId: string;
  counterAfter: number;
  balanceAfter: number;
  chainAfter: string;
}

export interface RequestRecord {
  /** Epoch ms by the test's clock. */
  at: number;
  method: string;
  path: string;
  status: number | "lost" | "network-down";
  idempotencyKey?: string;
}

interface Fault {
  method?: string;
  path: string;
  times: number;
  kind: "error" | "lose-answer";
  status?: number;
  code?: ErrorCode;
}

export interface FakeBackendOptions {
  /** The test's clock (epoch ms); grants and proofs are checked against it. */
  clock: { now(): number };
  /** Policy fields to change from the default demo policy. */
  policy?: Partial<PolicyDocument>;
  /** Entries per deny-list snapshot chunk (small values exercise multi-chunk snapshots). */
  denyListChunkSize?: number;
  /**
   * Act as a backend from before keys were split (ADR 0004): version 1 is one dual-purpose key, and grant
   * answers carry no certificate key set.
   */
  legacyKeys?: boolean;
}

/** The backend's key version 1: a grant key and a certificate key, or one key in both roles when legacy. */
interface BackendKeys {
  grant: CryptoKeyPair;
  certificate: CryptoKeyPair;
  jwks: Jwks;
  certificateKeys: CertificateKeySet | undefined;
}

function problem(code: ErrorCode, detail?: string): Response {
  const body = problemFor(code, detail);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json" },
  });
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

class Refused extends Error {
  readonly response: Response;
  constructor(response: Response) {
    super("refused");
    this.response = response;
  }
}

export class FakeBackend {
  readonly endpoints: Endpoints = {
    grants: "https://grants.tessera.test",
    policy: "https://policy.tessera.test",
    reconciliation: "https://reconciliation.tessera.test",
  };
  policy: PolicyDocument;
  catalog: CatalogDocument;
  readonly terminals = new Map<string, FakeTerminal>();
  readonly events = new Map<string, StoredEvent>();
  readonly ledger = new Map<string, LedgerEntry[]>();
  readonly reports: TerminalReport[] = [];
  /** Online authorisations given, in order. */
  readonly authorisations: { authorisationId: string; op: string; cardId: string; amount: number }[] = [];
  readonly requests: RequestRecord[] = [];
  /** Every batch answered, by Idempotency-Key. */
  readonly batches = new Map<string, { body: string; result: ReconcileResult }>();
  network: "up" | "down" = "up";
  /** Rewrites grant answers before they are sent (a misbehaving or compromised backend). */
  onGrantAnswer: ((answer: Record<string, unknown>) => Record<string, unknown>) | undefined;

  readonly #clock: { now(): number };
  readonly #backendKeys: BackendKeys;
  readonly #codes = new Map<string, { role: Role; name: string; locationId: string; used: boolean }>();
  readonly #proofIds = new Set<string>();
  readonly #faults: Fault[] = [];
  /** Deny-list contents by version: index v holds version v. */
  readonly #denyHistory: DenyListContents[] = [{ version: 0, cards: [], terminals: [] }];
  /** Deltas are kept from this version on; older holders are told to take a snapshot. */
  #deltaFloor = 0;
  readonly #chunkSize: number;
  #nextTerminalNumber = 1;
  #station: { credentials: TerminalCredentials; grant: GrantScope; seq: number } | undefined;

  private constructor(options: FakeBackendOptions, keys: BackendKeys) {
    this.#clock = options.clock;
    this.#backendKeys = keys;
    this.#chunkSize = options.denyListChunkSize ?? 10_000;
    this.policy = {
      ...structuredClone(DEFAULT_POLICY),
      version: 1,
      publishedAt: new Date(options.clock.now()).toISOString(),
      ...options.policy,
    };
    this.catalog = { ...structuredClone(DEFAULT_CATALOG), version: 1 };
  }

  static async create(options: FakeBackendOptions): Promise<FakeBackend> {
    if (options.legacyKeys) {
      const dual = await generateSigningKeyPair();
      const jwks: Jwks = { keys: [await jwksKeyFor(dual.publicKey, 1, "dual")] };
      return new FakeBackend(options, { grant: dual, certificate: dual, jwks, certificateKeys: undefined });
    }
    const [grant, certificate] = await Promise.all([generateSigningKeyPair(), generateSigningKeyPair()]);
    return new FakeBackend(options, {
      grant,
      certificate,
      jwks: { keys: [await jwksKeyFor(grant.publicKey, 1, "grant")] },
      certificateKeys: { keys: [await jwksKeyFor(certificate.publicKey, 1, "certificate")] },
    });
  }

  /**
   * Signs a certificate as the grants Worker would, with the certificate key — or, for a backend that
   * misbehaves, with the grant key (for misbehaving-backend tests).
   */
  async certificateFor(
    fields: Omit<Parameters<typeof issueCertificate>[0], "keyVersion">,
    signer: "certificate" | "grant" = "certificate",
  ): Promise<Uint8Array> {
    return issueCertificate({ ...fields, keyVersion: 1 }, this.#backendKeys[signer].privateKey);
  }

  /** The backend's certificate keys by version, as a card reader holds them. */
  get keys(): Map<number, CryptoKey> {
    return new Map([[1, this.#backendKeys.certificate.publicKey]]);
  }

  #now(): number {
    return Math.floor(this.#clock.now() / 1000);
  }

  // ---------------------------------------------------------------- console-side helpers

  createEnrolmentCode(options: { role: Role; name?: string; locationId?: string }): string {
    const code = `ENRL-${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    this.#codes.set(code, {
      role: options.role,
      name: options.name ?? `${options.role} terminal`,
      locationId: options.locationId ?? "canteen",
      used: false,
    });
    return code;
  }

  publishPolicy(changes: Partial<PolicyDocument>): PolicyDocument {
    this.policy = {
      ...this.policy,
      ...changes,
      version: this.policy.version + 1,
      publishedAt: new Date(this.#clock.now()).toISOString(),
    };
    return this.policy;
  }

  get denyListVersion(): number {
    return this.#denyHistory.length - 1;
  }

  #changeDenyList(change: (current: DenyListContents) => DenyListContents): void {
    const current = this.#denyHistory.at(-1)!;
    this.#denyHistory.push({ ...change(current), version: current.version + 1 });
  }

  denyCard(cardId: string): void {
    this.#changeDenyList((current) => ({
      ...current,
      cards: [...current.cards, { id: cardId, reason: "lost", addedAt: this.#now(), addedBy: "test" }],
    }));
  }

  revokeTerminal(terminalNumber: number, effectiveFrom: number): void {
    for (const terminal of this.terminals.values())
      if (terminal.terminalNumber === terminalNumber) terminal.revoked = true;
    this.#changeDenyList((current) => ({
      ...current,
      terminals: [
        ...current.terminals,
        { terminalNumber, effectiveFrom, reason: "revoked", addedAt: this.#now(), addedBy: "test" },
      ],
    }));
  }

  /** Drops every delta: holders of any older version must fetch the snapshot. */
  forgetDenyListDeltas(): void {
    this.#deltaFloor = this.denyListVersion;
  }

  /** The next `times` requests to `path` (and `method`) fail with this problem, or lose their answer. */
  fail(
    path: string,
    options: { method?: string; times?: number; status?: number; code?: ErrorCode } = {},
  ): void {
    this.#faults.push({
      path,
      times: options.times ?? 1,
      kind: "error",
      status: options.status ?? 503,
      code: options.code ?? "service_unavailable",
      ...(options.method ? { method: options.method } : {}),
    });
  }

  /** The next `times` requests to `path` are processed, but their answer never reaches the terminal. */
  loseAnswer(path: string, options: { method?: string; times?: number } = {}): void {
    this.#faults.push({
      path,
      times: options.times ?? 1,
      kind: "lose-answer",
      ...(options.method ? { method: options.method } : {}),
    });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Events booked into a card's ledger, oldest first. */
  booked(cardId: string): TerminalEvent[] {
    return (this.ledger.get(cardId) ?? []).map((entry) => this.events.get(entry.eventId)!.event);
  }

  ledgerBalance(cardId: string): number | undefined {
    return this.ledger.get(cardId)?.at(-1)?.balanceAfter;
  }

  requestsTo(path: string, method?: string): RequestRecord[] {
    return this.requests.filter((r) => r.path === path && (!method || r.method === method));
  }

  // ---------------------------------------------------------------- a station of the backend's own

  /**
   * Issues a card and tops it up by a station the backend runs itself, booking both events, so the
   * terminal under test meets a card with an honest history and the ledger matches the card.
   */
  async issueCard(card: VirtualNtag, balance: number): Promise<string> {
    await this.#stationWrite(card, { op: "issue" });
    const read = cardImageFromRead(card.read());
    const verdict = await verifyCard(read, this.#verifyContext());
    if (verdict.kind !== "valid") throw new Error(`the fake station's issue did not verify: ${verdict.kind}`);
    if (balance > 0) {
      await this.#stationWrite(card, {
        op: "topup",
        amount: balance,
        authorisationId: `auth_${crypto.randomUUID()}`,
      });
    }
    return verdict.state.cardId;
  }

  #verifyContext() {
    return { keys: this.keys, policy: { readableLayouts: [1], acceptedKeyVersions: [1] } };
  }

  async #ensureStation() {
    if (this.#station) return this.#station;
    const device = await generateSigningKeyPair();
    const terminalNumber = 0xff_fff0;
    const now = this.#now();
    const validFrom = Math.floor(now / HOUR) * HOUR - HOUR;
    const operations = [...ROLE_CEILING.station];
    const certificate = await issueCertificate(
      {
        terminalNumber,
        operations,
        validFrom,
        validHours: 24 * 365,
        keyVersion: 1,
        publicKey: await exportPublicKeyRaw(device.publicKey),
      },
      this.#backendKeys.certificate.privateKey,
    );
    const terminalId = "trm_backend_station";
    this.terminals.set(terminalId, {
      terminalId,
      terminalNumber,
      role: "station",
      locationId: "office",
      name: "Backend station",
      publicKey: device.publicKey,
      jkt: "",
      gseq: 1,
      revoked: false,
    });
    this.#station = {
      credentials: { terminalId, terminalNumber, certificate, deviceKey: device.privateKey },
      grant: {
        grantId: "grt_backend_station",
        grantSeq: 1,
        operations,
        limits: {
          perTransaction: 0xff_ffff,
          cumulativeValue: Number.MAX_SAFE_INTEGER,
          cumulativeCount: Number.MAX_SAFE_INTEGER,
        },
        notBefore: validFrom,
        expiresAt: validFrom + 24 * 365 * HOUR,
      },
      seq: 0,
    };
    return this.#station;
  }

  async #stationWrite(card: VirtualNtag, request: OperationRequest): Promise<void> {
    const station = await this.#ensureStation();
    const read = card.read();
    const image = cardImageFromRead(read);
    const result = await applyOperation({
      verdict: await verifyCard(image, this.#verifyContext()),
      uid: read.uid,
      payload: image.payload,
      request,
      terminal: station.credentials,
      grant: station.grant,
      policy: this.policy,
      usage: { value: 0, count: 0 },
      now: this.#now(),
      event: { id: crypto.randomUUID(), seq: ++station.seq },
    });
    if (!result.ok) throw new Error(`the fake station was refused: ${result.refusal.code}`);
    card.write(cardRecords(result.payload));
    this.#store(result.event);
  }

  // ---------------------------------------------------------------- HTTP

  /** The `fetch` to hand the engine. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const record: RequestRecord = {
      at: this.#clock.now(),
      method: request.method,
      path: url.pathname,
      status: 0,
      ...(request.headers.get("idempotency-key")
        ? { idempotencyKey: request.headers.get("idempotency-key")! }
        : {}),
    };
    this.requests.push(record);
    if (this.network === "down") {
      record.status = "network-down";
      throw new TypeError("fetch failed: network is down");
    }
    const fault = this.#faults.find(
      (f) => f.path === url.pathname && (!f.method || f.method === request.method),
    );
    if (fault) {
      fault.times--;
      if (fault.times <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
      if (fault.kind === "error") {
        record.status = fault.status!;
        const response = problem(fault.code!);
        return new Response(response.body, { status: fault.status!, headers: response.headers });
      }
    }
    let response: Response;
    try {
      response = await this.#route(request, url);
    } catch (error) {
      response = error instanceof Refused ? error.response : problem("internal_error", String(error));
    }
    if (fault?.kind === "lose-answer") {
      record.status = "lost";
      throw new TypeError("fetch failed: the connection dropped before the answer arrived");
    }
    record.status = response.status;
    return response;
  };

  async #route(request: Request, url: URL): Promise<Response> {
    const key = `${request.method} ${url.origin} ${url.pathname}`;
    const { grants, policy, reconciliation } = this.endpoints;
    if (key === `POST ${grants} /v1/terminals`) return this.#enrol(request);
    if (key === `POST ${grants} /v1/grants`) return this.#grant(request);
    if (key === `GET ${grants} /v1/deny-list`) return this.#denyList(request, url);
    if (key === `GET ${policy} /v1/policy`) return this.#document(request, this.policy);
    if (key === `GET ${policy} /v1/catalog`) return this.#document(request, this.catalog);
    if (key === `POST ${reconciliation} /v1/reconciliation/batches`) return this.#batch(request);
    if (key === `POST ${reconciliation} /v1/reports`) return this.#report(request);
    if (key === `POST ${reconciliation} /v1/authorisations`) return this.#authorise(request);
    if (key === `POST ${reconciliation} /v1/topups/authorisations`) return this.#authorise(request, "topup");
    const restore = /^\/v1\/cards\/([^/]+)\/restore$/.exec(url.pathname);
    if (request.method === "GET" && url.origin === reconciliation && restore?.[1]) {
      return this.#card(request, decodeURIComponent(restore[1]));
    }
    return problem("not_found", key);
  }

  async #proof(request: Request, expectedJkt: string, accessToken?: string): Promise<void> {
    const proof = request.headers.get("dpop");
    const verdict = await verifyDpopProof(proof, {
      htm: request.method,
      htu: request.url,
      now: this.#now(),
      expectedJkt,
      clockSkewSeconds: this.policy.clockSkewSeconds,
      ...(accessToken !== undefined ? { accessToken } : {}),
    });
    if (!verdict.ok) throw new Refused(problem("dpop_invalid", verdict.reason));
    if (this.#proofIds.has(verdict.jti)) throw new Refused(problem("dpop_replayed"));
    this.#proofIds.add(verdict.jti);
  }

  /** Grant + DPoP, as service-kit's terminal auth checks them. */
  async #terminal(request: Request): Promise<{ terminal: FakeTerminal; claims: SessionGrantClaims }> {
    const match = /^DPoP (\S+)$/.exec(request.headers.get("authorization") ?? "");
    if (!match) throw new Refused(problem("unauthenticated"));
    const grant = match[1]!;
    const verdict = await verifyGrant(grant, this.#backendKeys.jwks, { now: this.#now() });
    if (!verdict.ok) {
      throw new Refused(
        problem(verdict.reason === "expired" ? "grant_expired" : "grant_invalid", verdict.reason),
      );
    }
    // The proof must be made by the key the grant is bound to, and name this very grant (`ath`).
    await this.#proof(request, verdict.claims.cnf.jkt, grant);
    const terminal = this.terminals.get(verdict.claims.sub);
    if (!terminal) throw new Refused(problem("terminal_unknown"));
    if (terminal.revoked) throw new Refused(problem("terminal_revoked"));
    return { terminal, claims: verdict.claims };
  }

  async #enrol(request: Request): Promise<Response> {
    const parsed = TerminalEnrolmentRequest.safeParse(await request.json());
    if (!parsed.success) return problem("validation_failed");
    const code = this.#codes.get(parsed.data.code);
    if (!code) return problem("enrolment_code_invalid");
    if (code.used) return problem("enrolment_code_used");
    code.used = true;
    const terminalNumber = this.#nextTerminalNumber++;
    const terminal: FakeTerminal = {
      terminalId: `trm_${terminalNumber}_${crypto.randomUUID().slice(0, 6)}`,
      terminalNumber,
      role: code.role,
      locationId: code.locationId,
      name: code.name,
      publicKey: await importPublicKeyRaw(fromBase64Url(parsed.data.publicKey.x)),
      jkt: await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: parsed.data.publicKey.x }),
      gseq: 0,
      revoked: false,
    };
    this.terminals.set(terminal.terminalId, terminal);
    const { terminalId, role, locationId, name } = terminal;
    return json({ terminalId, terminalNumber, role, locationId, name }, 201);
  }

  async #grant(request: Request): Promise<Response> {
    const body = (await request.json()) as { terminalId?: unknown };
    const terminal = typeof body.terminalId === "string" ? this.terminals.get(body.terminalId) : undefined;
    if (!terminal) return problem("terminal_unknown");
    await this.#proof(request, terminal.jkt);
    if (terminal.revoked) return problem("terminal_revoked");
    const now = this.#now();
    const exp = now + this.policy.grant.lifetimeSeconds;
    const rolePolicy = this.policy.roles[terminal.role];
    const claims: SessionGrantClaims = {
      iss: this.endpoints.grants,
      sub: terminal.terminalId,
      aud: "tessera",
      iat: now,
      nbf: now,
      exp,
      jti: `grt_${crypto.randomUUID()}`,
      cnf: { jkt: terminal.jkt },
      tid: terminal.terminalNumber,
      gseq: ++terminal.gseq,
      role: terminal.role,
      ops: rolePolicy.operations,
      limits: rolePolicy.offline,
      loc: terminal.locationId,
      pv: this.policy.version,
      dlv: this.denyListVersion,
      kv: 1,
    };
    const grant = await signGrant(claims, {
      privateKey: this.#backendKeys.grant.privateKey,
      kid: kidForVersion(1, this.#backendKeys.certificateKeys ? "grant" : "dual"),
    });
    const validFrom = Math.floor(now / HOUR) * HOUR;
    const certificate = await issueCertificate(
      {
        terminalNumber: terminal.terminalNumber,
        operations: rolePolicy.operations,
        validFrom,
        validHours: Math.ceil((exp - validFrom) / HOUR),
        keyVersion: 1,
        publicKey: await exportPublicKeyRaw(terminal.publicKey),
      },
      this.#backendKeys.certificate.privateKey,
    );
    const answer = {
      grant,
      certificate: toBase64Url(certificate),
      policyVersion: this.policy.version,
      denyListVersion: this.denyListVersion,
      jwks: this.#backendKeys.jwks,
      ...(this.#backendKeys.certificateKeys ? { certificateKeys: this.#backendKeys.certificateKeys } : {}),
      expiresAt: exp,
      refreshAt: exp - this.policy.grant.refreshMarginSeconds,
    };
    return json(this.onGrantAnswer ? this.onGrantAnswer(answer) : answer);
  }

  async #denyList(request: Request, url: URL): Promise<Response> {
    await this.#terminal(request);
    const current = this.#denyHistory.at(-1)!;
    const chunk = url.searchParams.get("chunk");
    if (chunk !== null) {
      const chunks = chunkDenyListSnapshot(current, this.#chunkSize);
      const found = chunks[Number(chunk)];
      return found ? json(found) : problem("not_found", `no chunk ${chunk}`);
    }
    const since = Number(url.searchParams.get("since") ?? "0");
    const older = this.#denyHistory[since];
    if (!older || since < this.#deltaFloor) {
      return json({ snapshotRequired: true, from: since, version: current.version });
    }
    return json(diffDenyLists(older, current));
  }

  async #document(request: Request, document: PolicyDocument | CatalogDocument): Promise<Response> {
    const etag = await documentEtag(document);
    if (request.headers.get("if-none-match") === etag)
      return new Response(null, { status: 304, headers: { etag } });
    return json(document, 200, { etag, "cache-control": "no-cache" });
  }

  async #batch(request: Request): Promise<Response> {
    const { terminal } = await this.#terminal(request);
    const key = request.headers.get("idempotency-key");
    if (!key) return problem("malformed_request", "Idempotency-Key is required");
    const body = await request.text();
    const answered = this.batches.get(key);
    if (answered) {
      return answered.body === body ? json(answered.result) : problem("idempotency_conflict");
    }
    const parsed = ReconcileBatch.safeParse(JSON.parse(body));
    if (!parsed.success) return problem("validation_failed");
    const results: ReconcileEventResult[] = [];
    for (const event of parsed.data.events) {
      if (this.events.has(event.id)) {
        results.push({ eventId: event.id, status: "duplicate" });
        continue;
      }
      const signer = this.terminals.get(event.terminalId);
      if (
        event.terminalId !== terminal.terminalId ||
        !signer ||
        !(await verifyEventSignature(event, signer.publicKey))
      ) {
        results.push({ eventId: event.id, status: "rejected", code: "bad_signature" });
        continue;
      }
      const stored = this.#store(event);
      results.push(
        stored.flags.length > 0
          ? { eventId: event.id, status: "flagged", flags: stored.flags }
          : { eventId: event.id, status: "accepted" },
      );
    }
    const result: ReconcileResult = {
      batchId: `bat_${crypto.randomUUID()}`,
      receivedAt: this.#now(),
      results,
    };
    this.batches.set(key, { body, result });
    return json(result);
  }

  /** Stores an event; a confirmed one is booked into its card's ledger, checked against the entry before. */
  #store(event: TerminalEvent): StoredEvent {
    const voided = "voided" in event;
    const booked = event.outcome === "confirmed" && !voided;
    const flags: FlagKind[] = [];
    if (booked) {
      const entries = this.ledger.get(event.card.id) ?? [];
      const last = entries.at(-1);
      if (last) {
        if (event.card.balanceBefore !== last.balanceAfter) flags.push("balance_break");
        if (event.card.chainBefore !== last.chainAfter) flags.push("chain_break");
        if (entries.some((entry) => entry.counterAfter === event.card.counterAfter))
          flags.push("clone_replay");
      }
      entries.push({
        eventId: event.id,
        counterAfter: event.card.counterAfter,
        balanceAfter: event.card.balanceAfter,
        chainAfter: event.card.chainAfter,
      });
      this.ledger.set(event.card.id, entries);
    }
    const stored: StoredEvent = { event, booked, flags };
    this.events.set(event.id, stored);
    return stored;
  }

  async #report(request: Request): Promise<Response> {
    await this.#terminal(request);
    const parsed = TerminalReport.safeParse(await request.json());
    if (!parsed.success) return problem("validation_failed");
    this.reports.push(parsed.data);
    return new Response(null, { status: 202 });
  }

  /** Online authorisations (top-up, pay-out, restore): a station's only, a restore only of the ledger's balance. */
  async #authorise(request: Request, only?: "topup"): Promise<Response> {
    const { terminal } = await this.#terminal(request);
    if (terminal.role !== "station")
      return problem("forbidden", "only stations ask for online authorisations");
    const body = (await request.json()) as { op?: unknown; cardId?: unknown; amount?: unknown };
    const op = only ?? body.op;
    if (
      (op !== "topup" && op !== "payout" && op !== "reissue") ||
      typeof body.cardId !== "string" ||
      typeof body.amount !== "number"
    )
      return problem("validation_failed");
    if (op === "reissue" && this.ledger.get(body.cardId)?.at(-1)?.balanceAfter !== body.amount)
      return problem("reissue_not_authorised", "not the ledger's balance");
    const authorisation = {
      authorisationId: `auth_${crypto.randomUUID()}`,
      op,
      cardId: body.cardId,
      amount: body.amount,
    };
    this.authorisations.push(authorisation);
    return json(authorisation, 201);
  }

  async #card(request: Request, cardId: string): Promise<Response> {
    await this.#terminal(request);
    const last = this.ledger.get(cardId)?.at(-1);
    if (!last) return problem("card_unknown");
    return json({
      cardId,
      balance: last.balanceAfter,
      counter: last.counterAfter,
      chain: last.chainAfter,
      status: "active",
      // Unconfirmed writes are never booked here, so the ledger's head is always one that landed.
      unconfirmed: null,
      complete: true,
    });
  }
}
