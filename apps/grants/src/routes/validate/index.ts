/** Online validation. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { validate, validateRoute } from "./validate.ts";

export const validateRoutes = createServiceRouter<GrantsEnv>().openapi(validateRoute, validate);
