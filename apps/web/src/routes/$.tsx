// Catch-all for addresses that match no page. Prerendered once as /404 (→ 404.html), which Pages
// and the service worker serve for unknown paths; being a real route, it hydrates cleanly at any URL.
import { createFileRoute } from "@tanstack/react-router";
import { NotFound } from "../components/NotFound.tsx";
import { NOT_FOUND_DOCUMENT_META } from "../not-found-document.ts";

export const Route = createFileRoute("/$")({
  head: () => ({ meta: [{ ...NOT_FOUND_DOCUMENT_META }] }),
  component: NotFound,
});
