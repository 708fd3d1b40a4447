// Policy: the current version, a checked draft, its diff, publish, history and rollback.
import { createFileRoute } from "@tanstack/react-router";
import { DocumentPage } from "../console/DocumentPage.tsx";

export const Route = createFileRoute("/console/policy")({ component: () => <DocumentPage kind="policy" /> });
