// Terminals for the console's end-to-end test: the real terminal engine in Node (IndexedDB from
// fake-indexeddb) talking to the stack's Workers, and virtual NTAG cards on its reader.
import "fake-indexeddb/auto";
import { type NetworkStatus, TerminalEngine } from "@tessera/terminal-engine";
import type { E2EStack } from "../support/stack.ts";

const alwaysOnline: NetworkStatus = { isOnline: () => true, subscribe: () => () => {} };

/** Opens an engine on fresh storage and enrols it with `code`, fetching its grant, policy, catalog and deny list. */
export async function enrolNodeTerminal(stack: E2EStack, code: string): Promise<TerminalEngine> {
  const engine = await TerminalEngine.open({
    endpoints: stack.urls,
    softwareVersion: "console-e2e-1",
    network: alwaysOnline,
    databaseName: `tessera-console-e2e-${crypto.randomUUID()}`,
  });
  await engine.enrol(code);
  await engine.refreshGrant();
  await engine.syncNow();
  return engine;
}

/** Asks the grants Worker for an enrolment code as an operator's script would. */
export async function enrolmentCode(
  stack: E2EStack,
  terminal: { role: "pos" | "gate" | "station"; name: string; locationId: string },
): Promise<string> {
  const response = await fetch(`${stack.urls.grants}/v1/enrolment-codes`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(terminal),
  });
  if (response.status !== 201) throw new Error(`enrolment code: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { code: string }).code;
}

/** A JSON call to a Worker with the bootstrap admin token. */
export async function adminCall<T>(
  stack: E2EStack,
  url: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: {
      Authorization: `Bearer ${stack.adminToken}`,
      ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
