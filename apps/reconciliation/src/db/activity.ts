/** Read-only totals over the `events` table for the console's charts and finance views. */

export interface ActivityRow {
  at: number;
  terminal_id: string;
  op: string;
  events: number;
  value: number;
}

/** Operations that move value on or off cards, with the sign the float (value held on cards) moves by. */
const FLOAT_SIGN_SQL = `CASE op WHEN 'topup' THEN 1 WHEN 'refund' THEN 1
  WHEN 'debit' THEN -1 WHEN 'payout' THEN -1 WHEN 'checkin' THEN -1 WHEN 'checkout' THEN -1 ELSE 0 END`;

export function activityStore(db: D1Database) {
  return {
    // D1 binds JavaScript numbers as REAL, so the bucket size is cast back for an integer division.
    /** Booked events per bucket (by the card's write time), terminal and operation, oldest bucket first. */
    async buckets(from: number, to: number, size: number): Promise<ActivityRow[]> {
      const { results } = await db
        .prepare(
          `SELECT (written_at / CAST(?1 AS INTEGER)) * CAST(?1 AS INTEGER) AS at, terminal_id, op, COUNT(*) AS events, COALESCE(SUM(amount), 0) AS value
             FROM events
            WHERE booked = 1 AND written_at >= ?2 AND written_at < ?3 AND op IS NOT NULL
            GROUP BY at, terminal_id, op
            ORDER BY at, terminal_id, op`,
        )
        .bind(size, from, to)
        .all<ActivityRow>();
      return results;
    },

    /** Value on cards from booked events written before `before`: the float the chart starts from. */
    async floatBefore(before: number): Promise<number> {
      const row = await db
        .prepare(
          `SELECT COALESCE(SUM(amount * ${FLOAT_SIGN_SQL}), 0) AS total FROM events WHERE booked = 1 AND written_at < ?`,
        )
        .bind(before)
        .first<{ total: number }>();
      return row?.total ?? 0;
    },
  };
}
