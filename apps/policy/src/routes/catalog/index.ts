/** Catalog: products and prices per location for POS terminals, published exactly like the policy. */
import { CATALOG } from "../../documents/kinds.ts";
import { documentRoutes } from "../documents/index.ts";

export const catalogRoutes = documentRoutes(CATALOG);
