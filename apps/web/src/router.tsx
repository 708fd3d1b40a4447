// Creates the app's router; TanStack Start calls getRouter once per prerendered page and once in the browser.
import { createRouter } from "@tanstack/react-router";
import { config as zodConfig } from "zod";
import { NotFound } from "./components/NotFound.tsx";
import { RouteError } from "./components/RouteError.tsx";
import { adoptNotFoundDocument } from "./not-found-document.ts";
import { routeTree } from "./routeTree.gen.ts";

// The Content-Security-Policy forbids eval, and zod's probe for it (a caught `new Function`) is still reported
// as a violation: parse without the eval-compiled fast path.
zodConfig({ jitless: true });

export function getRouter() {
  adoptNotFoundDocument();
  return createRouter({
    routeTree,
    scrollRestoration: true,
    defaultPreload: "intent",
    defaultNotFoundComponent: NotFound,
    defaultErrorComponent: RouteError,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof getRouter>;
  }
}
