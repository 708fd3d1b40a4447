/**
 * The terminal report: a fire-and-forget heartbeat with what an operator needs to see that a terminal
 * is healthy (connectivity, outbox backlog, grant expiry, versions, recent errors), and what its software
 * can read and write (ADR 0005). Bounded in size so a terminal in trouble cannot flood the service with its
 * own error log.
 */
import { z } from "zod";
import { TerminalCapabilities } from "./capabilities.ts";

const UINT32_MAX = 0xffff_ffff;
const EpochSeconds = z.int().min(0).max(UINT32_MAX).describe("Epoch seconds");
const Count = z.int().min(0);

export const MAX_REPORT_ERRORS = 20;
export const MAX_REPORT_ERROR_MESSAGE = 500;

export const TerminalReportError = z.looseObject({
  at: EpochSeconds,
  code: z.string().min(1).max(64),
  message: z.string().max(MAX_REPORT_ERROR_MESSAGE),
});
export type TerminalReportError = z.infer<typeof TerminalReportError>;

export const TerminalReport = z.looseObject({
  terminalId: z.string().min(1).max(128),
  at: EpochSeconds.describe("When the report was made, by the terminal's clock"),
  softwareVersion: z.string().min(1).max(64),
  online: z.boolean(),
  outboxDepth: Count.describe("Events waiting to upload"),
  oldestPendingAt: EpochSeconds.optional().describe("When the oldest waiting event happened"),
  grantExpiresAt: EpochSeconds.optional(),
  policyVersion: Count.optional(),
  denyListVersion: Count.optional(),
  counters: z
    .looseObject({ tapsApproved: Count, tapsRefused: Count, uncertain: Count })
    .optional()
    .describe("Taps since the previous report"),
  errors: z.array(TerminalReportError).max(MAX_REPORT_ERRORS).describe("Most recent errors first"),
  capabilities: TerminalCapabilities.optional().describe(
    "What this build reads and writes; software from before ADR 0005 sends none and counts as having none",
  ),
});
export type TerminalReport = z.infer<typeof TerminalReport>;

/**
 * The errors as a report can carry them: the most recent first, at most 20, messages cut to 500
 * characters, so a terminal never builds a report the service would refuse.
 */
export function reportErrors(errors: readonly TerminalReportError[]): TerminalReportError[] {
  return [...errors]
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_REPORT_ERRORS)
    .map((error) => ({ ...error, message: truncate(error.message, MAX_REPORT_ERROR_MESSAGE) }));
}

/** Cuts at a code point boundary, so a message never ends in half a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
