/** Cards: the reconciled ledger per card, and operator top-up authorisations. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authoriseCardTopup, authoriseCardTopupRoute } from "./authorise-topup.ts";
import { getCard, getCardRoute } from "./get.ts";
import { listCards, listCardsRoute } from "./list.ts";
import { restoreCard, restoreCardRoute } from "./restore.ts";

export const cardRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(listCardsRoute, listCards)
  .openapi(getCardRoute, getCard)
  .openapi(restoreCardRoute, restoreCard)
  .openapi(authoriseCardTopupRoute, authoriseCardTopup);
