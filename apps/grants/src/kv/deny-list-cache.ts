/**
 * Deny-list snapshots and deltas cached in KV. Everything stored under a version is immutable, so the
 * TTLs only decide how long superseded versions are kept:
 * - `deny:snapshot:latest:<format>`: which built snapshot to serve, per form (no TTL: always overwritten
 *   by the next build); the JSON chunks and the TDL1 binary are built separately, the binary far cheaper;
 * - `deny:snapshot:<v>:chunk:<n>` and `deny:snapshot:<v>:tdl1`: a week, so a terminal that started
 *   downloading version v can finish it even while the list moves on;
 * - `deny:delta:<from>:<to>:<format>`: a day, so terminals at the same version share one computation;
 * - `deny:snapshot:building:<format>`: 60 s (KV's minimum), a best-effort marker that a rebuild runs.
 */
import { z } from "zod";

const SNAPSHOT_TTL_SECONDS = 7 * 86_400;
const DELTA_TTL_SECONDS = 86_400;
const BUILD_MARKER_TTL_SECONDS = 60;

export const SnapshotManifest = z.object({
  version: z.number().int().nonnegative(),
  chunks: z.number().int().positive(),
  entries: z.number().int().nonnegative(),
  builtAt: z.number().int(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;

export type DeltaFormat = "json" | "tdl1";
export type SnapshotFormat = DeltaFormat;

const latestKey = (format: SnapshotFormat) => `deny:snapshot:latest:${format}`;
const buildingKey = (format: SnapshotFormat) => `deny:snapshot:building:${format}`;
const chunkKey = (version: number, chunk: number) => `deny:snapshot:${version}:chunk:${chunk}`;
const binaryKey = (version: number) => `deny:snapshot:${version}:tdl1`;
const deltaKey = (from: number, to: number, format: DeltaFormat) => `deny:delta:${from}:${to}:${format}`;

export function denyListCache(kv: KVNamespace) {
  return {
    async latest(format: SnapshotFormat): Promise<SnapshotManifest | null> {
      const parsed = SnapshotManifest.safeParse(await kv.get(latestKey(format), "json"));
      return parsed.success ? parsed.data : null;
    },
    async publish(format: SnapshotFormat, manifest: SnapshotManifest): Promise<void> {
      await kv.put(latestKey(format), JSON.stringify(SnapshotManifest.parse(manifest)));
    },

    chunk(version: number, chunk: number): Promise<string | null> {
      return kv.get(chunkKey(version, chunk), "text");
    },
    async putChunk(version: number, chunk: number, json: string): Promise<void> {
      await kv.put(chunkKey(version, chunk), json, { expirationTtl: SNAPSHOT_TTL_SECONDS });
    },

    binary(version: number): Promise<ArrayBuffer | null> {
      return kv.get(binaryKey(version), "arrayBuffer");
    },
    async putBinary(version: number, bytes: Uint8Array): Promise<void> {
      await kv.put(binaryKey(version), bytes, { expirationTtl: SNAPSHOT_TTL_SECONDS });
    },

    delta(from: number, to: number, format: DeltaFormat): Promise<ArrayBuffer | null> {
      return kv.get(deltaKey(from, to, format), "arrayBuffer");
    },
    async putDelta(from: number, to: number, format: DeltaFormat, body: Uint8Array): Promise<void> {
      await kv.put(deltaKey(from, to, format), body, { expirationTtl: DELTA_TTL_SECONDS });
    },

    /** Claims the rebuild marker; false when another rebuild was started less than a minute ago. */
    async claimBuild(format: SnapshotFormat): Promise<boolean> {
      if ((await kv.get(buildingKey(format))) !== null) return false;
      await kv.put(buildingKey(format), String(Date.now()), { expirationTtl: BUILD_MARKER_TTL_SECONDS });
      return true;
    },
    async releaseBuild(format: SnapshotFormat): Promise<void> {
      await kv.delete(buildingKey(format));
    },
  };
}
