/** Terminal reports: the heartbeat terminals send without waiting for an answer, and what they say they can do. */
export * from "./capabilities.ts";
export * from "./fleet-readiness.ts";
export * from "./terminal-report.ts";
