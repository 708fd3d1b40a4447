/** Terminal reports: the heartbeat terminals send without waiting for an answer. */
export * from "./terminal-report.ts";
