/** The enrolment-codes resource. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { createEnrolmentCode, createEnrolmentCodeRoute } from "./create.ts";

export const enrolmentCodeRoutes = createServiceRouter<GrantsEnv>().openapi(
  createEnrolmentCodeRoute,
  createEnrolmentCode,
);
