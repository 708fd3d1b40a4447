// The app's runtime configuration, fixed at build time from `VITE_*` variables.
import { resolveWorkerUrls, type WorkerUrls } from "./worker-urls.ts";

export type { WorkerName, WorkerUrls } from "./worker-urls.ts";

export interface AppConfig {
  workers: WorkerUrls;
}

export const config: AppConfig = {
  workers: resolveWorkerUrls(import.meta.env),
};
