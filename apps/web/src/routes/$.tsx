// Catch-all for addresses that match no page. Prerendered once as /404 (→ 404.html), which Pages
// and the service worker serve for unknown paths; being a real route, it hydrates cleanly at any URL.
import { createFileRoute } from "@tanstack/react-router";
import { NotFound } from "../components/NotFound.tsx";

export const Route = createFileRoute("/$")({
  component: NotFound,
});
