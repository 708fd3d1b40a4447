/** People who use the console: list, change role, disable. */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { listPeople } from "./list.ts";
import { updatePerson } from "./update.ts";

export const peopleRoutes = createServiceRouter<PolicyEnv>().route("/", listPeople).route("/", updatePerson);
