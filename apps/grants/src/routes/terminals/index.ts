/** The terminals resource: enrolment (public, with a code) and the console's reads and status changes. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { enrolTerminal, enrolTerminalRoute } from "./enrol.ts";
import { getTerminal, getTerminalRoute } from "./get.ts";
import { listTerminals, listTerminalsRoute } from "./list.ts";
import { resumeTerminal, resumeTerminalRoute } from "./resume.ts";
import { revokeTerminal, revokeTerminalRoute } from "./revoke.ts";
import { suspendTerminal, suspendTerminalRoute } from "./suspend.ts";

export const terminalRoutes = createServiceRouter<GrantsEnv>()
  .openapi(enrolTerminalRoute, enrolTerminal)
  .openapi(listTerminalsRoute, listTerminals)
  .openapi(getTerminalRoute, getTerminal)
  .openapi(suspendTerminalRoute, suspendTerminal)
  .openapi(resumeTerminalRoute, resumeTerminal)
  .openapi(revokeTerminalRoute, revokeTerminal);
