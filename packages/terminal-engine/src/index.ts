/** Tessera's terminal engine: the offline-first terminal without its UI, for the web app and the simulator. */

export {
  BackendError,
  BackendUnreachableError,
  type Connectivity,
  type Endpoints,
} from "./backend/backend-client.ts";
export type { CardLedgerAnswer } from "./backend/contract.ts";
export { Backoff, type BackoffOptions, backoffDelay } from "./backoff.ts";
export { type Clock, epochSeconds, systemClock } from "./clock.ts";
export {
  defaultNetworkStatus,
  type NetworkStatus,
  TerminalEngine,
  type TerminalEngineOptions,
} from "./engine.ts";
export { ENGINE_ERROR_CODES, EngineError, type EngineErrorCode } from "./errors.ts";
export { grantRefreshAt } from "./grant/session-grant.ts";
export type { UploadSummary } from "./outbox/upload.ts";
export { TAP_STEPS, type TapStep } from "./runtime.ts";
export type { ClosedShift, OperationTotal, ShiftTally } from "./shift/shift-tally.ts";
export {
  type GrantStatus,
  grantSecondsLeft,
  type LastCard,
  type LastTap,
  type OutboxStatusView,
  type TerminalInfo,
  type TerminalSnapshot,
} from "./state/terminal-state.ts";
export {
  DATABASE_VERSION,
  DEFAULT_DATABASE_NAME,
  STORES,
  StorageVersionError,
} from "./storage/database.ts";
export type { CardStateRecord, OutboxStatus } from "./storage/records.ts";
export {
  type CardReadResultView,
  ENGINE_REFUSAL_CODES,
  type EngineRefusalCode,
  type Settlement,
  type TapRefusalCode,
  type TapResult,
} from "./tap/results.ts";
export { VOIDED_FIELD, type VoidEvidence } from "./tap/settle.ts";
