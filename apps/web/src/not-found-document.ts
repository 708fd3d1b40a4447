// 404.html is the catch-all route prerendered once, at /404, and Pages (or the service worker, offline) serves
// it for every unknown address. Hydrated at another address, the router would match the catch-all afresh: its
// match (the splat is in its id) is not the one the HTML was rendered from, so React sees different markup and
// reports a hydration mismatch (#418) whenever the route's code is not loaded in time. Instead the document is
// hydrated at the address it was rendered at, and the address asked for is put back right after.

/** Where 404.html was prerendered (see `pages` in vite.config.ts). */
export const NOT_FOUND_DOCUMENT_PATH = "/404";

/** The meta tag the catch-all route puts in its head, so the browser can tell the not-found document apart. */
export const NOT_FOUND_DOCUMENT_META = { name: "tessera-document", content: "not-found" } as const;

let addressToRestore: string | undefined;

/**
 * Before the router exists (it reads the address once): if this document is the not-found page served at some
 * other address, show the address it was rendered at and remember the one asked for.
 */
export function adoptNotFoundDocument(): void {
  if (typeof document === "undefined") return;
  const { name, content } = NOT_FOUND_DOCUMENT_META;
  if (!document.querySelector(`meta[name="${name}"][content="${content}"]`)) return;
  if (window.location.pathname === NOT_FOUND_DOCUMENT_PATH) return;
  addressToRestore = window.location.pathname + window.location.search + window.location.hash;
  window.history.replaceState(window.history.state, "", NOT_FOUND_DOCUMENT_PATH);
}

/** After hydration: the address the visitor asked for, once, if the not-found document stood in for it. */
export function takeAddressToRestore(): string | undefined {
  const address = addressToRestore;
  addressToRestore = undefined;
  return address;
}
