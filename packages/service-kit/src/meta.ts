/**
 * `GET /v1/meta`: which database a Worker is bound to and which migrations it carries, so an operator
 * can confirm a migration landed before deploying code that needs it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, type ServiceEnv } from "./app.ts";
import { problemResponses } from "./openapi.ts";

/** The slice of D1 this module uses; a real `D1Database` satisfies it. */
export interface MetaDatabase {
  prepare(query: string): { all(): Promise<{ results: unknown[] }> };
}

export const ServiceMeta = z
  .object({
    service: z.string(),
    version: z.string(),
    database: z.object({
      owner: z.string().nullable().describe("The service whose 0001 migration created this database"),
      migrations: z.array(z.string()).describe("Applied migration files, oldest first"),
    }),
  })
  .openapi("ServiceMeta");
export type ServiceMeta = z.infer<typeof ServiceMeta>;

const OwnerRow = z.object({ value: z.string() });
const MigrationRow = z.object({ name: z.string() });

/** Reads the two tables every Worker's database has: our `service_meta` and wrangler's `d1_migrations`. */
export async function readDatabaseMeta(db: MetaDatabase): Promise<ServiceMeta["database"]> {
  try {
    const [owners, migrations] = await Promise.all([
      db.prepare("SELECT value FROM service_meta WHERE key = 'owner'").all(),
      db.prepare("SELECT name FROM d1_migrations ORDER BY id").all(),
    ]);
    return {
      owner: owners.results.map((row) => OwnerRow.parse(row).value)[0] ?? null,
      migrations: migrations.results.map((row) => MigrationRow.parse(row).name),
    };
  } catch (error) {
    // A missing table means the migrations were never applied: an operator fix, not a client error.
    console.error(JSON.stringify({ level: "error", event: "schema_unreadable", error: String(error) }));
    throw new TesseraError(
      "service_unavailable",
      "The database schema is not initialised; apply the D1 migrations",
    );
  }
}

const readMetaRoute = createRoute({
  method: "get",
  path: "/meta",
  tags: ["Service"],
  summary: "Service version and the database migrations it has applied",
  responses: {
    200: { description: "Service metadata", content: { "application/json": { schema: ServiceMeta } } },
    ...problemResponses(503),
  },
});

export function createMetaRoutes<E extends ServiceEnv<{ DB: MetaDatabase }>>(
  service: string,
  version: string,
) {
  return createServiceRouter<E>().openapi(readMetaRoute, async (c) => {
    const database = await readDatabaseMeta(c.env.DB);
    return c.json(ServiceMeta.parse({ service, version: c.env.SERVICE_VERSION || version, database }), 200);
  });
}
