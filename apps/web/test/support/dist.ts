// Where the built app lives; browser tests need `pnpm build` first (turbo runs it before `test`).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const clientDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "client");

export function requireBuild(): string {
  if (!existsSync(join(clientDir, "sw.js"))) {
    throw new Error("dist/client is missing or incomplete: run `pnpm --filter @tessera/web build` first");
  }
  return clientDir;
}
