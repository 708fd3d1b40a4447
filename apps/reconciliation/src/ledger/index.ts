/** The card ledger and event checks as pure functions of events, authorisations and policy (no Worker APIs). */
export * from "./event-checks.ts";
export * from "./grant-tally.ts";
export * from "./reconcile-card.ts";
export * from "./tail.ts";
export * from "./types.ts";
export * from "./value.ts";
