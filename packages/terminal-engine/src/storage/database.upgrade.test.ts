import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import {
  CURRENT,
  DATABASE_VERSION,
  inTransaction,
  openTerminalDatabase,
  putRecords,
  STORES,
  StorageVersionError,
  UPGRADE_STEPS,
} from "./database.ts";

const freshName = () => `upgrade-test-${crypto.randomUUID()}`;

/** Stores and indexes each version must have, written out by hand so a step cannot quietly change them. */
const EXPECTED: Record<
  number,
  Record<string, { keyPath: string | null; autoIncrement?: boolean; indexes: string[] }>
> = {
  1: {
    identity: { keyPath: null, indexes: [] },
    grant: { keyPath: null, indexes: [] },
    policy: { keyPath: null, indexes: [] },
    catalog: { keyPath: null, indexes: [] },
    denyList: { keyPath: null, indexes: [] },
    outbox: { keyPath: "id", indexes: ["cardId", "seq"] },
    pendingBatch: { keyPath: null, indexes: [] },
    offlineUsage: { keyPath: "grantId", indexes: [] },
    recentCounters: { keyPath: "cardId", indexes: ["seenAtMs"] },
    cardStates: { keyPath: "cardId", indexes: ["seenAtMs", "uid"] },
    uncertainTaps: { keyPath: "eventId", indexes: ["uid"] },
    sequence: { keyPath: "terminalId", indexes: [] },
    reportErrors: { keyPath: "id", autoIncrement: true, indexes: [] },
  },
};
{
  const { uncertainTaps: _movedIntoOutbox, ...kept } = EXPECTED[1]!;
  EXPECTED[2] = {
    ...kept,
    outbox: { keyPath: "id", indexes: ["pendingUid", "seq"] },
    shift: { keyPath: null, indexes: [] },
  };
}

async function describeSchema(name: string) {
  const db = await openDB(name);
  const stores: Record<string, { keyPath: string | null; autoIncrement?: boolean; indexes: string[] }> = {};
  const names = [...db.objectStoreNames];
  if (names.length > 0) {
    const tx = db.transaction(names);
    for (const store of names) {
      const handle = tx.objectStore(store);
      stores[store] = {
        keyPath: handle.keyPath as string | null,
        ...(handle.autoIncrement ? { autoIncrement: true } : {}),
        indexes: [...handle.indexNames].sort(),
      };
    }
  }
  db.close();
  return stores;
}

describe("terminal database upgrades", () => {
  it("has an expected schema written down for every upgrade step", () => {
    expect(Object.keys(EXPECTED).map(Number)).toEqual(UPGRADE_STEPS.map((_, i) => i + 1));
    expect(DATABASE_VERSION).toBe(UPGRADE_STEPS.length);
  });

  it("names every store in STORES exactly once in the current schema", () => {
    expect(Object.keys(EXPECTED[DATABASE_VERSION]!).sort()).toEqual(Object.values(STORES).sort());
  });

  for (let version = 1; version <= DATABASE_VERSION; version++) {
    it(`step ${version - 1} → ${version} creates exactly the stores and indexes of version ${version}`, async () => {
      const name = freshName();
      if (version > 1) (await openTerminalDatabase(name, { version: version - 1 })).close();
      (await openTerminalDatabase(name, { version })).close();
      expect(await describeSchema(name)).toEqual(EXPECTED[version]);
    });

    it(`step ${version - 1} → ${version} is idempotent: re-running it over its own result changes nothing`, async () => {
      const name = freshName();
      (await openTerminalDatabase(name, { version })).close();
      const before = await describeSchema(name);
      // Run the step again inside a real upgrade transaction, as a half-applied upgrade would.
      const db = await openDB(name, version + 1, {
        upgrade(database, _old, _new, tx) {
          UPGRADE_STEPS[version - 1]!(database, tx);
        },
      });
      db.close();
      expect(await describeSchema(name)).toEqual(before);
    });
  }

  it("keeps stored records across a reopen at the same version", async () => {
    const name = freshName();
    const db = await openTerminalDatabase(name);
    await db.put("sequence", { terminalId: "trm_1", lastSeq: 41 });
    await db.put("denyList", { version: 7, bytes: new Uint8Array([1, 2, 3]), syncedAt: 5 }, CURRENT);
    db.close();
    const again = await openTerminalDatabase(name);
    expect(await again.get("sequence", "trm_1")).toEqual({ terminalId: "trm_1", lastSeq: 41 });
    expect((await again.get("denyList", CURRENT))?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    again.close();
  });

  it("step 1 → 2 moves version 1's uncertain taps into their outbox records and rebases its marks", async () => {
    const name = freshName();
    const v1 = await openDB(name, 1, {
      upgrade(database, _old, _new, tx) {
        UPGRADE_STEPS[0]!(database, tx);
      },
    });
    const event = { id: "evt-1", seq: 1, outcome: "uncertain" };
    const confirmedEvent = { ...event, outcome: "confirmed" };
    await v1.put("outbox", {
      id: "evt-1",
      seq: 1,
      status: "uncertain",
      event,
      cardId: "c1",
      at: 1,
      heldUntil: 2,
    });
    await v1.put("uncertainTaps", { eventId: "evt-1", uid: "04aabbccddeeff", cardId: "c1", confirmedEvent });
    // A leftover tap record whose event an upload already took.
    await v1.put("uncertainTaps", {
      eventId: "evt-gone",
      uid: "04aabbccddeeff",
      cardId: "c1",
      confirmedEvent,
    });
    // Version 1 marked the last seq given, which is still in the outbox.
    await v1.put("sequence", { terminalId: "trm_1", lastSeq: 1 });
    v1.close();

    const db = await openTerminalDatabase(name, { version: 2 });
    expect(await db.getAllFromIndex("outbox", "pendingUid", "04aabbccddeeff")).toMatchObject([
      { id: "evt-1", status: "uncertain", pending: { uid: "04aabbccddeeff", confirmedEvent } },
    ]);
    expect(await db.count("outbox")).toBe(1);
    expect([...db.objectStoreNames]).not.toContain("uncertainTaps");
    // Version 2 marks the seq below which every event has left the outbox.
    expect(await db.get("sequence", "trm_1")).toEqual({ terminalId: "trm_1", lastSeq: 0 });
    db.close();
  });

  it("refuses storage written by newer software instead of reading it", async () => {
    const name = freshName();
    (await openDB(name, DATABASE_VERSION + 1)).close();
    await expect(openTerminalDatabase(name)).rejects.toBeInstanceOf(StorageVersionError);
  });

  it("keeps a CryptoKey by structured clone, and the private half stays non-extractable", async () => {
    const name = freshName();
    const db = await openTerminalDatabase(name);
    const keyPair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    await db.put(
      "identity",
      { kind: "device", keyPair, publicJwk: { kty: "OKP", crv: "Ed25519", x: "x" }, jkt: "j", createdAt: 0 },
      "device",
    );
    db.close();
    const again = await openTerminalDatabase(name);
    const stored = await again.get("identity", "device");
    again.close();
    if (stored?.kind !== "device") throw new Error("device record missing");
    expect(stored.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("pkcs8", stored.keyPair.privateKey)).rejects.toThrow();
    const message = new Uint8Array([1, 2, 3]);
    const signature = await crypto.subtle.sign("Ed25519", stored.keyPair.privateKey, message);
    expect(await crypto.subtle.verify("Ed25519", keyPair.publicKey, signature, message)).toBe(true);
  });
});

describe("inTransaction", () => {
  it("commits everything the work wrote once it resolves", async () => {
    const db = await openTerminalDatabase(freshName());
    await inTransaction(db, ["sequence", "offlineUsage"], "readwrite", async (tx) => {
      await tx.objectStore("sequence").put({ terminalId: "t", lastSeq: 1 });
      await tx.objectStore("offlineUsage").put({ grantId: "g", value: 5, count: 1, updatedAt: 0 });
    });
    expect(await db.get("sequence", "t")).toBeDefined();
    expect(await db.get("offlineUsage", "g")).toBeDefined();
    db.close();
  });

  it("keeps nothing the work wrote when it throws, and rethrows", async () => {
    const db = await openTerminalDatabase(freshName());
    await expect(
      inTransaction(db, ["sequence", "offlineUsage"], "readwrite", async (tx) => {
        await tx.objectStore("sequence").put({ terminalId: "t", lastSeq: 1 });
        await tx.objectStore("offlineUsage").put({ grantId: "g", value: 5, count: 1, updatedAt: 0 });
        throw new Error("crash in the middle");
      }),
    ).rejects.toThrow("crash in the middle");
    expect(await db.get("sequence", "t")).toBeUndefined();
    expect(await db.get("offlineUsage", "g")).toBeUndefined();
    db.close();
  });
});

describe("putRecords", () => {
  const record = (id: string, seq: number) => ({
    id,
    seq,
    status: "confirmed" as const,
    event: {} as never,
    cardId: "c",
    at: 1,
    heldUntil: 0,
  });

  it("resolves once every record is stored", async () => {
    const db = await openTerminalDatabase(freshName());
    await putRecords(db, "outbox", [record("a", 1), record("b", 2)]);
    expect((await db.getAll("outbox")).map((r) => r.id)).toEqual(["a", "b"]);
    db.close();
  });

  it("keeps none of them when one is refused (a seq given twice), and rejects", async () => {
    const db = await openTerminalDatabase(freshName());
    await putRecords(db, "outbox", [record("a", 1)]);
    await expect(putRecords(db, "outbox", [record("b", 2), record("c", 1)])).rejects.toMatchObject({
      name: "ConstraintError",
    });
    expect((await db.getAll("outbox")).map((r) => r.id)).toEqual(["a"]);
    db.close();
  });
});
