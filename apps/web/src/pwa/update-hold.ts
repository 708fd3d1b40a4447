// The idle gate every part of the app shares: the service-worker registration asks it before applying an
// update, and the terminal holds it for the length of a card interaction. Free of workbox-window, so
// prerendered pages can import it.
import { createIdleGate } from "./idle-gate.ts";

/** How long without input before a waiting update may reload the page. */
export const UPDATE_QUIET_MS = 60_000;

export const updateGate = createIdleGate({ quietMs: UPDATE_QUIET_MS, startedAt: Date.now() });

/**
 * Keeps a waiting update from being applied until the returned function is called. Terminal code
 * holds it for the length of a card interaction.
 */
export function holdServiceWorkerUpdates(): () => void {
  return updateGate.hold();
}
