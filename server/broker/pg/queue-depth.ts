import type { Sql } from '../../../db/driver';
import type { QueueDepth } from '../types';

/**
 * Depth by state without a full COUNT: the total comes from the trigger-kept deltas, the
 * in-flight and delayed figures from the (small) part of the claim index that lies in the
 * future, and the oldest ready age from the head of the queue. Cheap at millions of entries.
 */
export async function queueDepthRead(q: Sql, p: { queues: string[] }): Promise<Map<string, QueueDepth>> {
  if (p.queues.length === 0) return new Map();
  const rows = await q.query<{ queue: string; total: string | number; future: string | number; in_flight: string | number; oldest_ms: number | null }>(
    `SELECT qn AS queue,
       coalesce((SELECT sum(delta) FROM queue_depth_deltas d WHERE d.queue = qn), 0)::int8 AS total,
       f.future, f.in_flight,
       (SELECT (extract(epoch FROM now() - e.enqueued_at) * 1000)::float8 FROM queue_entries e
        WHERE e.queue = qn AND e.visible_at <= now() ORDER BY e.visible_at, e.id LIMIT 1) AS oldest_ms
     FROM unnest($1::text[]) AS qn
     CROSS JOIN LATERAL (
       SELECT count(*)::int8 AS future, count(*) FILTER (WHERE e.lease IS NOT NULL)::int8 AS in_flight
       FROM queue_entries e WHERE e.queue = qn AND e.visible_at > now()) f`,
    [p.queues],
  );
  return new Map(
    rows.map((r) => {
      const future = Number(r.future);
      const inFlight = Number(r.in_flight);
      return [
        r.queue,
        {
          ready: Math.max(0, Number(r.total) - future),
          inFlight,
          delayed: future - inFlight,
          oldestReadyAgeMs: r.oldest_ms == null ? null : Math.max(0, Math.round(r.oldest_ms)),
        },
      ];
    }),
  );
}

/** Folds the delta rows into one per queue (dropping zeros). Safe to run on several nodes at once. */
export async function queueDepthCompact(q: Sql): Promise<void> {
  await q.query(
    `WITH d AS (DELETE FROM queue_depth_deltas RETURNING queue, delta)
     INSERT INTO queue_depth_deltas (queue, delta) SELECT queue, sum(delta) FROM d GROUP BY queue HAVING sum(delta) <> 0`,
  );
}

/** Records one depth sample per queue (for charts) at the database's now(). */
export async function queueDepthSample(q: Sql, p: { depths: Map<string, QueueDepth> }): Promise<void> {
  const rows = [...p.depths].map(([queue, d]) => ({ q: queue, r: d.ready, i: d.inFlight, d: d.delayed, o: d.oldestReadyAgeMs }));
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO queue_depth_samples (queue, at, ready, in_flight, delayed, oldest_ready_age_ms)
     SELECT q, date_trunc('second', now()), r, i, d, o FROM json_to_recordset($1::text::json) AS t(q text, r int4, i int4, d int4, o int8)
     ON CONFLICT (queue, at) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export interface DepthSample {
  at: Date;
  ready: number;
  inFlight: number;
  delayed: number;
  oldestReadyAgeMs: number | null;
}

/** The most samples one depth-history read answers (a chart's worth: 24 h at the 5 s default is 17,280). */
export const DEPTH_HISTORY_MAX = 20_000;

/**
 * A queue's depth samples from `from` to `to`, oldest first. A range that could hold more than
 * `max` samples (a week at the 5 s default, or a day sampled every second) is read in `max`
 * equal slices of time, each answered as one sample: its first time and its highest figures, so
 * a spike stays visible and the newest samples are there (a LIMIT kept the oldest and dropped
 * the rest without a sign).
 */
export async function queueDepthHistory(q: Sql, p: { queue: string; from: Date; to: Date; max?: number }): Promise<DepthSample[]> {
  const sliceMs = Math.max(1, Math.ceil((p.to.getTime() - p.from.getTime() + 1) / (p.max ?? DEPTH_HISTORY_MAX)));
  const rows = await q.query<{ at: Date; ready: number; in_flight: number; delayed: number; oldest_ready_age_ms: string | null }>(
    `SELECT min(at) AS at, max(ready) AS ready, max(in_flight) AS in_flight, max(delayed) AS delayed, max(oldest_ready_age_ms) AS oldest_ready_age_ms
     FROM queue_depth_samples
     WHERE queue = $1 AND at BETWEEN $2 AND $3
     GROUP BY floor(extract(epoch FROM at - $2::timestamptz) * 1000 / $4)
     ORDER BY 1`,
    [p.queue, p.from, p.to, sliceMs],
  );
  return rows.map((r) => ({
    at: new Date(r.at),
    ready: r.ready,
    inFlight: r.in_flight,
    delayed: r.delayed,
    oldestReadyAgeMs: r.oldest_ready_age_ms == null ? null : Number(r.oldest_ready_age_ms),
  }));
}

/**
 * Every queue's sampled total depth (ready + in flight + delayed) since `sinceMs` ago, oldest
 * first: what the console's "growing" needs on its first look, before it has polled a trend of
 * its own. Reads the samples' time index only.
 */
export async function queueDepthRecent(q: Sql, p: { sinceMs: number }): Promise<Map<string, number[]>> {
  const rows = await q.query<{ queue: string; depth: number | string }>(
    `SELECT queue, ready + in_flight + delayed AS depth FROM queue_depth_samples
     WHERE at > now() - $1::int8 * interval '1 millisecond' ORDER BY queue, at`,
    [p.sinceMs],
  );
  const recent = new Map<string, number[]>();
  for (const r of rows) {
    let depths = recent.get(r.queue);
    if (!depths) recent.set(r.queue, (depths = []));
    depths.push(Number(r.depth));
  }
  return recent;
}
