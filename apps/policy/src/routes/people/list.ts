/** `GET /v1/people`: everyone who joined the console, with role and passkey count. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import { peopleRepository } from "../../db/people.ts";
import type { PolicyEnv } from "../../env.ts";
import { PersonList } from "../../schemas/identity.ts";
import { personResponse } from "./shared.ts";

const route = secureRoute({
  method: "get",
  path: "/people",
  access: { roles: ["auditor"] },
  tags: ["Identity"],
  summary: "List people",
  responses: {
    200: { description: "Oldest first", content: { "application/json": { schema: PersonList } } },
  },
});

export const listPeople = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const rows = await peopleRepository(c.env.DB).list();
  return c.json(PersonList.parse({ people: rows.map(personResponse) }), 200);
});
