import type { Sql } from '../../../db/driver';

const BATCH = 5000;

const cutoff = `now() - $1::int8 * interval '1 millisecond'`;

/** One DELETE per table, each of one batch; `$1` is the retention period in ms. Exported for the plan test (index-use.test.ts). */
export const RETENTION_STATEMENTS = {
  messages: `DELETE FROM messages WHERE ctid = ANY(ARRAY(
    SELECT m.ctid FROM messages m WHERE m.published_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM queue_entries e WHERE e.message_id = m.id) LIMIT ${BATCH}))`,
  // events_at is a BRIN index (rows arrive in about time order): cheap to keep on every event.
  events: `DELETE FROM events WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE at < ${cutoff} LIMIT ${BATCH}))`,
  depthSamples: `DELETE FROM queue_depth_samples WHERE ctid = ANY(ARRAY(SELECT ctid FROM queue_depth_samples WHERE at < ${cutoff} LIMIT ${BATCH}))`,
  messageCounts: `DELETE FROM message_counts WHERE ctid = ANY(ARRAY(SELECT ctid FROM message_counts WHERE minute < ${cutoff} LIMIT ${BATCH}))`,
};

/**
 * Drops what is older than the retention period, one bounded batch per table per call, so
 * that no statement holds locks long or leaves a large bloat at once. A message that still
 * waits in some queue is kept. Returns how many rows went.
 */
export async function retentionSweep(q: Sql, p: { retentionMs: number }): Promise<number> {
  let removed = 0;
  for (const s of Object.values(RETENTION_STATEMENTS)) {
    const rows = await q.query(`WITH d AS (${s} RETURNING 1) SELECT count(*)::int AS n FROM d`, [p.retentionMs]);
    removed += Number(rows[0]?.n ?? 0);
  }
  return removed;
}
