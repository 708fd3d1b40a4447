/** Policy: the rules every terminal obeys offline. Operations live in ../documents, shared with the catalog. */
import { POLICY } from "../../documents/kinds.ts";
import { documentRoutes } from "../documents/index.ts";

export const policyRoutes = documentRoutes(POLICY);
