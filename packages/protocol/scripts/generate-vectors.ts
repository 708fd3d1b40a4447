/**
 * Writes vectors/*.json: card images with their expected verdicts, a signed event and session grants, all
 * from seeded keys, so another implementation can check itself against them byte for byte. Key version 1 is a
 * legacy dual-purpose key (one key for grants and certificates, as versions made before ADR 0004 are);
 * version 2 is split into a grant key and a certificate key; version 9 is a certificate key readers lack.
 * Run: pnpm --filter @tessera/protocol vectors  (then review the diff; vectors change only with the protocol)
 */
import { writeFileSync } from "node:fs";
import { composePayload } from "../src/card/payload.ts";
import { cardImageFromRead, cardRecords } from "../src/card/read.ts";
import { sealSlot } from "../src/card/slot.ts";
import { exportPublicKeyRaw } from "../src/crypto/ed25519.ts";
import { type Operation, ROLE_CEILING } from "../src/domain/operation.ts";
import { fromHex, toHex } from "../src/encoding/bytes.ts";
import { signGrant, verifyGrant } from "../src/grant/index.ts";
import { jwksKeyFor, kidForVersion } from "../src/grant/keys.ts";
import { applyOperation, type OperationRequest } from "../src/operations/apply.ts";
import { HOUR, T0 } from "../src/testing/scheme.ts";
import { seededKeyPair, seededTerminal, seedOf } from "../src/testing/seeded-keys.ts";
import { type VerifyContext, verifyCard } from "../src/verify/verify-card.ts";
import { VirtualNtag } from "../src/virtual-card/index.ts";

const out = new URL("../vectors/", import.meta.url);
/** Each version's certificate key (for version 1, its one dual-purpose key), and version 2's grant key. */
const CERTIFICATE_SEEDS = { 1: seedOf(0x01), 2: seedOf(0x02), 9: seedOf(0x09) } as const;
const GRANT_SEEDS = { 2: seedOf(0x22) } as const;

async function main() {
  const backend = new Map<number, CryptoKeyPair>();
  for (const [v, seed] of Object.entries(CERTIFICATE_SEEDS))
    backend.set(Number(v), await seededKeyPair(seed));
  const grantKey2 = await seededKeyPair(GRANT_SEEDS[2]);
  const keysForReaders = new Map([
    [1, backend.get(1)!.publicKey],
    [2, backend.get(2)!.publicKey],
  ]);

  let eventCounter = 0;
  async function terminal(
    number: number,
    seedByte: number,
    ops: readonly Operation[],
    opts: { keyVersion?: number; validFrom?: number; validHours?: number; signer?: CryptoKey } = {},
  ) {
    const { signer, ...fields } = opts;
    const keyVersion = fields.keyVersion ?? 2;
    const t = await seededTerminal({
      terminalNumber: number,
      seedByte,
      operations: ops,
      backendKey: signer ?? backend.get(keyVersion)!.privateKey,
      ...fields,
      keyVersion,
    });
    return {
      ...t,
      devicePublicKey: toHex(await exportPublicKeyRaw(t.devicePublicKey)),
      certificate: toHex(t.credentials.certificate),
      seed: seedOf(seedByte),
    };
  }
  type T = Awaited<ReturnType<typeof terminal>>;
  const policy = { balanceCap: 50_000, layouts: { write: 1 }, sessions: { required: false, entryFee: 0 } };
  const context = (extra: Partial<VerifyContext> = {}): VerifyContext => ({
    keys: keysForReaders,
    policy: { readableLayouts: [1], acceptedKeyVersions: [1, 2] },
    ...extra,
  });

  async function tap(t: T, card: VirtualNtag, request: OperationRequest, now = T0) {
    const read = card.read();
    const image = cardImageFromRead(read);
    const verdict = await verifyCard(image, context());
    const result = await applyOperation({
      verdict,
      uid: read.uid,
      payload: image.payload,
      request,
      terminal: t.credentials,
      grant: t.grant,
      policy,
      usage: { value: 0, count: 0 },
      now,
      event: { id: `evt-${String(++eventCounter).padStart(4, "0")}`, seq: eventCounter },
    });
    if (!result.ok) throw new Error(`vector setup refused: ${result.refusal.code}`);
    card.write(cardRecords(result.payload));
    return result;
  }
  const uid = (n: number) => Uint8Array.from([0x04, 0x10, 0x20, 0x30, 0x40, 0x50, n]);
  const payloadHex = (card: VirtualNtag) => {
    const p = cardImageFromRead(card.read()).payload;
    return p ? toHex(p) : null;
  };

  const station = await terminal(1, 0x11, ROLE_CEILING.station);
  const pos = await terminal(2, 0x12, ROLE_CEILING.pos);
  const debitOnly = await terminal(3, 0x13, ["debit"]);
  const shortCert = await terminal(4, 0x14, ROLE_CEILING.pos, { validFrom: T0 - HOUR, validHours: 2 });
  const foreignKey = await terminal(5, 0x15, ROLE_CEILING.station, { keyVersion: 9 });
  const legacyStation = await terminal(6, 0x16, ROLE_CEILING.station, { keyVersion: 1 });
  // A certificate naming version 2 but signed with version 2's grant key: no reader may accept it.
  const wrongPurpose = await terminal(7, 0x17, ROLE_CEILING.pos, { signer: grantKey2.privateKey });

  const cases: unknown[] = [];
  const add = async (
    name: string,
    description: string,
    card: VirtualNtag,
    ctx: Record<string, unknown> = {},
  ) => {
    const extra: Partial<VerifyContext> = {};
    const deny = ctx.denyList as
      | { cards?: string[]; terminals?: { number: number; from: number }[] }
      | undefined;
    if (deny)
      extra.denyList = {
        hasCard: (id) => deny.cards?.includes(id) ?? false,
        terminalRevokedFrom: (n) => deny.terminals?.find((t) => t.number === n)?.from,
      };
    const remembered = ctx.remembered as { cardId: string; counter: number; chain: string } | undefined;
    if (remembered) extra.remembered = (id) => (id === remembered.cardId ? remembered : undefined);
    const read = card.read();
    const verdict = await verifyCard(cardImageFromRead(read), context(extra));
    const state = "state" in verdict ? verdict.state : undefined;
    cases.push({
      name,
      description,
      uid: toHex(read.uid),
      payload: payloadHex(card),
      context: ctx,
      expect: {
        kind: verdict.kind,
        ...("reason" in verdict ? { reason: verdict.reason } : {}),
        ...(verdict.kind === "valid" ? { recovered: verdict.recovered, activeSlot: verdict.activeSlot } : {}),
        ...(state
          ? {
              state: {
                cardId: state.cardId,
                counter: state.counter,
                balance: state.balance,
                status: state.status,
                chain: state.chain,
                writtenAt: state.writtenAt,
                terminalNumber: state.certificate.terminalNumber,
                keyVersion: state.certificate.keyVersion,
                lastOperation: state.history[0]!.op,
                flags: state.flags,
              },
            }
          : {}),
      },
    });
  };

  await add(
    "blank",
    "factory-blank NTAG215: not activated, never tampered",
    new VirtualNtag({ model: "NTAG215", uid: uid(1) }),
  );
  const issued = new VirtualNtag({ model: "NTAG215", uid: uid(2) });
  await tap(station, issued, { op: "issue", cardId: "7e55e7a000000002" });
  await add("issued", "a freshly issued card: one slot, the other empty", issued);
  const active = new VirtualNtag({ model: "NTAG215", uid: uid(3) });
  await tap(station, active, { op: "issue", cardId: "7e55e7a000000003" });
  await tap(station, active, { op: "topup", amount: 5000, authorisationId: "auth-3" });
  const debit = await tap(pos, active, { op: "debit", amount: 250, productId: "coffee" }, T0 + 60);
  await add("two-slots", "a card after issue, top-up and debit: both slots valid and chained", active);
  const remembered = { cardId: "7e55e7a000000003", counter: debit.state.counter + 1, chain: "00".repeat(16) };
  await add("rollback", "the reader remembers a newer counter for this card", active, { remembered });

  const copy = active.cloneTo(uid(4));
  await add("clone-other-chip", "a byte-for-byte copy onto a chip with another UID", copy);

  const torn = active.cloneTo(active.uid);
  const tornPayload = cardImageFromRead(torn.read()).payload!;
  const damaged = tornPayload.slice();
  const activeSlot = (
    (await verifyCard(cardImageFromRead(active.read()), context())) as { activeSlot: number }
  ).activeSlot;
  damaged[activeSlot * (damaged.length / 2) + 100]! ^= 0x40;
  torn.write(cardRecords(damaged));
  await add(
    "recovered",
    "the newest slot is damaged: the older state is read and flagged as recovered",
    torn,
  );

  const scoped = new VirtualNtag({ model: "NTAG215", uid: uid(5) });
  await tap(station, scoped, { op: "issue", cardId: "7e55e7a000000005" });
  await tap(station, scoped, { op: "topup", amount: 1000, authorisationId: "auth-5" });
  debitOnly.grant.operations = ["debit", "refund"];
  await tap({ ...debitOnly, credentials: debitOnly.credentials }, scoped, { op: "debit", amount: 10 }).catch(
    () => undefined,
  );
  await add("debit-only-terminal", "a debit written by a terminal whose certificate allows debits", scoped);

  const revoked = active.cloneTo(active.uid);
  await add("revoked-terminal", "the last write was made by a terminal revoked before it", revoked, {
    denyList: { terminals: [{ number: 2, from: T0 }] },
  });
  await add("deny-listed-card", "the card is on the deny list", active.cloneTo(active.uid), {
    denyList: { cards: ["7e55e7a000000003"] },
  });

  const late = new VirtualNtag({ model: "NTAG215", uid: uid(6) });
  await tap(station, late, { op: "issue", cardId: "7e55e7a000000006" });
  await tap(station, late, { op: "topup", amount: 1000, authorisationId: "auth-6" });
  await tap(shortCert, late, { op: "debit", amount: 5 }, T0);
  await add(
    "certificate-expired-since",
    "written inside the writer's certificate validity, read after it expired: valid",
    late,
  );

  const unknownKey = new VirtualNtag({ model: "NTAG215", uid: uid(7) });
  await tap(foreignKey, unknownKey, { op: "issue", cardId: "7e55e7a000000007" }).catch(() => undefined);
  await add("unknown-key-version", "signed under key version 9, which the reader does not have", unknownKey);

  const legacy = new VirtualNtag({ model: "NTAG215", uid: uid(9) });
  await tap(legacyStation, legacy, { op: "issue", cardId: "7e55e7a000000009" });
  await tap(legacyStation, legacy, { op: "topup", amount: 2000, authorisationId: "auth-9" });
  await add(
    "legacy-key",
    "both slots under key version 1, a legacy dual-purpose key (it signed grants and certificates before keys were split): valid while policy accepts version 1",
    legacy,
  );
  const rotatedCard = legacy.cloneTo(legacy.uid);
  await tap(pos, rotatedCard, { op: "debit", amount: 5 }, T0 + 120);
  await add(
    "key-rotation",
    "newest slot under version 2's certificate key, older under the legacy version 1 key, both accepted",
    rotatedCard,
  );
  const misSigned = active.cloneTo(active.uid);
  await tap(wrongPurpose, misSigned, { op: "debit", amount: 5 }, T0 + 120);
  await add(
    "wrong-purpose-key",
    "newest slot's certificate names version 2 but was signed with version 2's grant key: that slot is damage, and the card reads as the state before it",
    misSigned,
  );

  // Writers that skip their own checks: every reader must still refuse what they wrote.
  async function forge(
    t: T,
    card: VirtualNtag,
    op: Operation,
    amount: number,
    balanceDelta: number,
    writtenAt: number,
  ) {
    const verdict = await verifyCard(cardImageFromRead(card.read()), context());
    if (verdict.kind !== "valid") throw new Error("forge needs a valid card");
    const slot = await sealSlot({
      fields: {
        flags: { recovered: false, restored: false, issued: false },
        status: "active",
        cardId: verdict.state.cardId,
        counter: verdict.state.counter + 1,
        balance: verdict.state.balance + balanceDelta,
        session: null,
        writtenAt,
        grantSeq: 1,
        history: [{ op, amount, at: writtenAt }],
      },
      previousChain: fromHex(verdict.state.chain),
      historyEntries: 4,
      certificate: t.credentials.certificate,
      uid: card.uid,
      deviceKey: t.credentials.deviceKey,
    });
    card.write(
      cardRecords(
        composePayload(slot, verdict.activeSlot === 0 ? 1 : 0, cardImageFromRead(card.read()).payload),
      ),
    );
  }
  const minted = active.cloneTo(active.uid);
  await forge(debitOnly, minted, "topup", 15_000, 15_000, T0 + 180);
  await add("out-of-scope", "a top-up signed by a terminal whose certificate allows only debits", minted);
  const backdated = active.cloneTo(active.uid);
  await forge(shortCert, backdated, "debit", 5, -5, T0 + 3 * HOUR);
  await add("written-after-certificate", "written after the writer's certificate expired", backdated);

  const future = new VirtualNtag({ model: "NTAG215", uid: uid(8) });
  const futurePayload = new Uint8Array(476);
  futurePayload[0] = 2;
  futurePayload.fill(0xaa, 1, 238);
  future.write(cardRecords(futurePayload));
  await add("future-layout", "a slot naming layout 2, which this reader cannot read", future);

  const outdir = out.pathname;
  const publicKeys = Object.fromEntries(
    await Promise.all(
      [1, 2].map(async (v) => [v, toHex(await exportPublicKeyRaw(backend.get(v)!.publicKey))]),
    ),
  );
  const certificateKeySet = {
    keys: [
      await jwksKeyFor(backend.get(1)!.publicKey, 1, "dual"),
      await jwksKeyFor(backend.get(2)!.publicKey, 2, "certificate"),
    ],
  };
  writeFileSync(
    `${outdir}cards.json`,
    `${JSON.stringify(
      {
        description:
          "Tessera card layout 1 vectors. Verify each `payload` (hex of the Tessera NDEF record payload, null for no record) read from a chip with `uid`, using the backend certificate keys below (`certificatePublicKeys` by version; `certificateKeySet` is the same keys as published, read with the kids `tessera-N` of a legacy dual-purpose version and `tessera-cert-N`), policy { readableLayouts: [1], acceptedKeyVersions: [1, 2] } and the case's context; expect `expect`. Version 1 is a legacy dual-purpose key; version 2's grant key (seed in `grantSeeds`) signs no certificate, and one case shows a reader refusing a certificate it signed.",
        certificatePublicKeys: publicKeys,
        certificateKeySet,
        certificateSeeds: CERTIFICATE_SEEDS,
        grantSeeds: GRANT_SEEDS,
        terminals: [station, pos, debitOnly, shortCert, foreignKey, legacyStation, wrongPurpose].map((t) => ({
          terminalNumber: t.credentials.terminalNumber,
          seed: t.seed,
          publicKey: t.devicePublicKey,
          certificate: t.certificate,
        })),
        now: T0,
        cases,
      },
      null,
      2,
    )}\n`,
  );

  writeFileSync(
    `${outdir}events.json`,
    `${JSON.stringify(
      {
        description:
          "A signed terminal event: Ed25519 over tag 'tessera.event.v1\\0' followed by the canonical JSON of every field except sig.",
        devicePublicKey: pos.devicePublicKey,
        event: debit.event,
      },
      null,
      2,
    )}\n`,
  );

  const grantClaims = {
    iss: "https://grants.tessera.example",
    sub: "trm_2",
    aud: "tessera",
    iat: T0,
    nbf: T0,
    exp: T0 + 8 * HOUR,
    jti: "grt_2_1",
    cnf: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" },
    tid: 2,
    gseq: 1,
    role: "pos",
    ops: ["debit", "refund"],
    limits: { perTransaction: 2000, cumulativeValue: 50_000, cumulativeCount: 200 },
    loc: "canteen",
    pv: 1,
    dlv: 1,
    kv: 1,
  };
  const jwks = {
    keys: [
      await jwksKeyFor(backend.get(1)!.publicKey, 1, "dual"),
      await jwksKeyFor(grantKey2.publicKey, 2, "grant"),
    ],
  };
  const grantCases = [
    {
      name: "grant-key",
      description: "signed with version 2's grant key, kid tessera-grant-2",
      token: await signGrant({ ...grantClaims, kv: 2 } as never, {
        privateKey: grantKey2.privateKey,
        kid: kidForVersion(2, "grant"),
      }),
    },
    {
      name: "legacy-key",
      description: "signed with the legacy dual-purpose key of version 1, kid tessera-1",
      token: await signGrant(grantClaims as never, {
        privateKey: backend.get(1)!.privateKey,
        kid: kidForVersion(1, "dual"),
      }),
    },
    {
      name: "certificate-key-own-kid",
      description:
        "signed with version 2's certificate key and naming it (tessera-cert-2): no grant verifier may use that key",
      token: await signGrant({ ...grantClaims, kv: 2 } as never, {
        privateKey: backend.get(2)!.privateKey,
        kid: kidForVersion(2, "certificate"),
      }),
    },
    {
      name: "certificate-key-grant-kid",
      description:
        "signed with version 2's certificate key but naming the grant key: the signature does not verify",
      token: await signGrant({ ...grantClaims, kv: 2 } as never, {
        privateKey: backend.get(2)!.privateKey,
        kid: kidForVersion(2, "grant"),
      }),
    },
  ];
  const now = T0 + 60;
  const grantResults = [];
  for (const c of grantCases) {
    const verdict = await verifyGrant(c.token, jwks, { now });
    grantResults.push({ ...c, expect: verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason } });
  }
  writeFileSync(
    `${outdir}grants.json`,
    `${JSON.stringify(
      {
        description:
          "Session grants (compact JWS, EdDSA) and the JWKS that verifies them at `now`: the legacy dual-purpose key of version 1 (kid tessera-1) and version 2's grant key (tessera-grant-2). Each case's token must verify as `expect` says; the claims are `claims` with `kv` set to the signing key's version.",
        now,
        jwks,
        grantSeeds: GRANT_SEEDS,
        certificateSeeds: { 1: CERTIFICATE_SEEDS[1], 2: CERTIFICATE_SEEDS[2] },
        claims: grantClaims,
        cases: grantResults,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${cases.length} card cases, 1 event, ${grantResults.length} grants to ${outdir}`);
}

await main();
