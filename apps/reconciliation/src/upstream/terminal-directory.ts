/**
 * The grants Worker's directory of active terminals, read page by page over the `GRANTS` service binding
 * (`GrantsService.activeTerminals()`), for fleet readiness (ADR 0005). Never cached: a readiness answer
 * gates a change, and a terminal enrolled a minute ago counts.
 */
import { TesseraError } from "@tessera/protocol";
import { z } from "zod";
import type { DirectoryTerminal } from "../fleet/readiness.ts";

const DirectoryPage = z.looseObject({
  terminals: z.array(
    z.looseObject({
      terminalId: z.string().min(1),
      terminalNumber: z.int().min(1),
      name: z.string().optional(),
      role: z.string(),
      locationId: z.string().nullable().optional(),
      status: z.string(),
    }),
  ),
  next: z.int().nullable(),
});

interface DirectoryRpc {
  activeTerminals(page: { after?: number; limit: number }): Promise<unknown>;
}

const PAGE_SIZE = 1000;
/** A million terminals; a directory that pages on past this is answering wrongly. */
const MAX_PAGES = 1000;

export async function activeTerminals(env: { GRANTS: unknown }): Promise<DirectoryTerminal[]> {
  const rpc = env.GRANTS as DirectoryRpc;
  const all: DirectoryTerminal[] = [];
  let after: number | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = DirectoryPage.parse(
        await rpc.activeTerminals({ ...(after === undefined ? {} : { after }), limit: PAGE_SIZE }),
      );
      all.push(...answer.terminals);
      if (answer.next === null) return all;
      after = answer.next;
    }
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        event: "grants_unavailable",
        what: "terminal directory",
        error: String(error),
      }),
    );
    throw new TesseraError(
      "service_unavailable",
      "The grants service did not answer (terminal directory); retry later",
    );
  }
  throw new TesseraError("service_unavailable", "The terminal directory did not end; retry later");
}
