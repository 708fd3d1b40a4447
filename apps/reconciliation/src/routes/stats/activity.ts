/** `GET /v1/stats/activity`: booked taps and value per hour or day, per terminal and operation. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { Operation, TesseraError } from "@tessera/protocol";
import { secureRoute } from "@tessera/service-kit";
import { activityStore } from "../../db/activity.ts";
import type { ReconciliationEnv } from "../../env.ts";

const BUCKET_SECONDS = { hour: 3600, day: 86_400 } as const;
/** Enough for a month of hours or a year of days, and small enough for one D1 query. */
const MAX_BUCKETS = 800;

const EpochSeconds = z.coerce.number().int().min(0).max(0xffff_ffff);

export const ActivityStats = z
  .object({
    bucket: z.enum(["hour", "day"]),
    from: z.int().describe("Epoch seconds, start of the first bucket (UTC)"),
    to: z.int().describe("Epoch seconds, end of the last bucket (exclusive)"),
    openingFloat: z
      .int()
      .describe("Value on cards before `from`: top-ups and refunds minus spending and pay-outs, minor units"),
    rows: z.array(
      z.object({
        at: z.int().describe("Bucket start, epoch seconds"),
        terminalId: z.string(),
        op: Operation,
        events: z.int(),
        value: z.int().describe("Sum of amounts, minor units"),
      }),
    ),
  })
  .openapi("ActivityStats");

export const activityStatsRoute = secureRoute({
  method: "get",
  path: "/stats/activity",
  tags: ["Reconciliation"],
  summary: "Booked taps and value over time, per terminal and operation",
  description:
    "Counts booked events by the time their card state was written (UTC buckets). The console charts taps, value and the float from it and joins terminals to roles and locations itself. Absent `from`/`to`: the last 7 days.",
  access: { roles: ["auditor"], scopes: ["ledger:read"] },
  request: {
    query: z.object({
      bucket: z.enum(["hour", "day"]).default("hour"),
      from: EpochSeconds.optional(),
      to: EpochSeconds.optional(),
    }),
  },
  responses: {
    200: { description: "Buckets", content: { "application/json": { schema: ActivityStats } } },
  },
});

export const activityStats: RouteHandler<typeof activityStatsRoute, ReconciliationEnv> = async (c) => {
  const query = c.req.valid("query");
  const size = BUCKET_SECONDS[query.bucket];
  const now = Math.floor(Date.now() / 1000);
  const to = Math.ceil((query.to ?? now + 1) / size) * size;
  const from = Math.floor((query.from ?? to - 7 * 86_400) / size) * size;
  if (from >= to) throw new TesseraError("validation_failed", "`from` must be before `to`");
  if ((to - from) / size > MAX_BUCKETS)
    throw new TesseraError("validation_failed", `at most ${MAX_BUCKETS} ${query.bucket}s per request`);
  const store = activityStore(c.env.DB);
  const [rows, openingFloat] = await Promise.all([store.buckets(from, to, size), store.floatBefore(from)]);
  return c.json(
    ActivityStats.parse({
      bucket: query.bucket,
      from,
      to,
      openingFloat,
      rows: rows.map((row) => ({
        at: row.at,
        terminalId: row.terminal_id,
        op: row.op,
        events: row.events,
        value: row.value,
      })),
    }),
    200,
  );
};
