// Types for local-stack.mjs, so TypeScript tests (the browser end-to-end suite, the simulator) can start the stack.

export type WorkerName = "policy" | "grants" | "reconciliation";

export declare const root: string;
export declare const HOST: string;
export declare const WORKER_NAMES: readonly WorkerName[];
export declare function urlOf(port: number): string;
export declare function portIsFree(port: number): Promise<boolean>;

export interface StackOptions {
  /** Where local D1/KV state and the generated secrets live (default: .state/ at the repo root). */
  stateDir?: string;
  ports: Record<WorkerName, number> & { web?: number };
  /** Extra Worker vars, passed as `--var NAME:value`. */
  vars?: Record<string, string>;
  /** Also start the web app's dev server on ports.web. */
  web?: boolean;
  /** Keep child output out of the terminal. */
  quiet?: boolean;
  log?: (message: string) => void;
  onUnexpectedExit?: (message: string) => void;
}

export interface Stack {
  urls: Record<WorkerName, string> & { web?: string };
  /** The bootstrap admin bearer token. */
  adminToken: string;
  adminTokenSource: string;
  persistTo: string;
  stop(): Promise<void>;
}

export declare function startStack(options: StackOptions): Promise<Stack>;
