// Creates the app's router; TanStack Start calls getRouter once per prerendered page and once in the browser.
import { createRouter } from "@tanstack/react-router";
import { NotFound } from "./components/NotFound.tsx";
import { RouteError } from "./components/RouteError.tsx";
import { adoptNotFoundDocument } from "./not-found-document.ts";
import { routeTree } from "./routeTree.gen.ts";

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
