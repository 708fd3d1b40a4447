/**
 * Keeps the deny list current: a delta from the version held when the server has one, the chunked
 * snapshot when it says so (or when its delta does not start where this terminal is). The list is stored
 * in its binary form and never moves to an older version.
 */
import { DenyList, DenyListDeltaAnswer, DenyListFormatError, DenyListSnapshotChunk } from "@tessera/protocol";
import type { RequestCredentials } from "../backend/backend-client.ts";
import { PATHS } from "../backend/contract.ts";
import { EngineError } from "../errors.ts";
import { grantCredentials, nowSeconds, type Runtime } from "../runtime.ts";
import { CURRENT } from "../storage/database.ts";

/** A list that changes while its snapshot is being fetched yields chunks of two versions: start again. */
const SNAPSHOT_ATTEMPTS = 3;

async function fetchSnapshot(rt: Runtime, credentials: RequestCredentials): Promise<DenyList> {
  let lastError: unknown;
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const chunk = async (n: number) =>
      DenyListSnapshotChunk.parse(
        await rt.client.json("grants", "GET", PATHS.denyList, {
          credentials,
          proof: true,
          query: { chunk: String(n) },
        }),
      );
    const first = await chunk(0);
    const chunks = [first];
    for (let n = 1; n < first.chunks; n++) chunks.push(await chunk(n));
    try {
      return DenyList.fromSnapshotChunks(chunks);
    } catch (error) {
      if (!(error instanceof DenyListFormatError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** Brings the deny list up to the server's version. Resolves with whether anything changed. */
export async function syncDenyList(
  rt: Runtime,
  credentials: RequestCredentials | undefined = grantCredentials(rt),
): Promise<boolean> {
  if (!credentials) throw new EngineError("no_grant", "the deny list is fetched with a session grant");
  const current = rt.denyList;
  const answer = DenyListDeltaAnswer.parse(
    await rt.client.json("grants", "GET", PATHS.denyList, {
      credentials,
      proof: true,
      query: { since: String(current.version) },
    }),
  );
  let next: DenyList;
  if ("snapshotRequired" in answer || answer.from !== current.version) {
    next = await fetchSnapshot(rt, credentials);
  } else {
    if (answer.to === current.version) return false;
    next = current.applyDelta(answer);
  }
  // A stale edge cache may answer with an older list; revocations must never be forgotten that way.
  if (next.version < current.version || next.equals(current)) return false;
  await rt.db.put(
    "denyList",
    { version: next.version, bytes: next.toBinary(), syncedAt: nowSeconds(rt) },
    CURRENT,
  );
  rt.denyList = next;
  rt.state.update({ denyListVersion: next.version });
  return true;
}

export async function loadDenyList(rt: Pick<Runtime, "db">): Promise<DenyList> {
  const record = await rt.db.get("denyList", CURRENT);
  return record ? DenyList.fromBinary(record.bytes) : DenyList.empty();
}
