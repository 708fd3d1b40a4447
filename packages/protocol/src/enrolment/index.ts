/** Terminal enrolment: one-time codes and the request and response messages around them. */
export * from "./code.ts";
export * from "./messages.ts";
