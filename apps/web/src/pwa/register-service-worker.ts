// Registers the workbox service worker that keeps the app shell available offline, and applies
// a new version only when the screen is idle: a kiosk must never reload under a customer's card.
import { Workbox } from "workbox-window";
import { updateGate as idleGate } from "./update-hold.ts";

export { holdServiceWorkerUpdates } from "./update-hold.ts";

/** How often to look at the idle gate while an update waits. */
const IDLE_POLL_MS = 5_000;
/** Kiosks can stay open for days, so they must look for new versions themselves. */
const UPDATE_CHECK_MS = 30 * 60_000;

let registered = false;

export function registerServiceWorker(scriptUrl = "/sw.js"): void {
  if (registered || typeof window === "undefined" || !("serviceWorker" in navigator)) return;
  registered = true;

  for (const type of ["pointerdown", "keydown"] as const) {
    window.addEventListener(type, () => idleGate.noteActivity(Date.now()), { capture: true, passive: true });
  }

  const workbox = new Workbox(scriptUrl);
  let idlePoll: ReturnType<typeof setInterval> | undefined;

  workbox.addEventListener("waiting", () => {
    if (idlePoll) return;
    idlePoll = setInterval(() => {
      if (!idleGate.isIdle(Date.now())) return;
      clearInterval(idlePoll);
      workbox.messageSkipWaiting();
    }, IDLE_POLL_MS);
  });

  workbox.addEventListener("controlling", (event) => {
    // Only a replaced worker means new code; the very first install (clientsClaim) needs no reload.
    if (event.isUpdate) window.location.reload();
  });

  workbox.register().catch((error: unknown) => {
    console.warn("Service worker registration failed; the app will not work offline.", error);
  });

  setInterval(() => {
    if (navigator.onLine) workbox.update().catch(() => undefined);
  }, UPDATE_CHECK_MS);
}
