import type { Sql } from '../../db/driver';

/** A queue's push endpoint as stored (db/schema/push-endpoints.ts). */
export interface PushEndpoint {
  queue: string;
  url: string;
  secret: string;
  concurrency: number;
  timeoutMs: number;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /**
   * The row's version (its xmin: the transaction that last wrote it). Every write gives a new
   * one, and a row deleted and created again (with its queue) never has the old one back, so a
   * delivery loop can tell whether the endpoint it was started for is still the stored one.
   */
  version: string;
}

const rowEndpoint = (r: Record<string, unknown>): PushEndpoint => ({
  queue: String(r.queue),
  url: String(r.url),
  secret: String(r.secret),
  concurrency: Number(r.concurrency),
  timeoutMs: Number(r.timeout_ms),
  status: r.status === 'disabled' ? 'disabled' : 'active',
  disabledReason: r.disabled_reason == null ? null : String(r.disabled_reason),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
  version: String(r.version),
});

const COLUMNS = '*, xmin::text AS version';

/** Creates or replaces a queue's endpoint (active again); a null secret keeps the one it had. */
export async function pushEndpointUpsert(
  q: Sql,
  p: { queue: string; url: string; secret: string | null; newSecret: string; concurrency: number; timeoutMs: number },
): Promise<{ created: boolean; endpoint: PushEndpoint }> {
  const [row] = await q.query(
    `INSERT INTO push_endpoints (queue, url, secret, concurrency, timeout_ms) VALUES ($1, $2, COALESCE($3, $4), $5, $6)
     ON CONFLICT (queue) DO UPDATE SET url = EXCLUDED.url, secret = COALESCE($3, push_endpoints.secret),
       concurrency = EXCLUDED.concurrency, timeout_ms = EXCLUDED.timeout_ms, status = 'active', disabled_reason = NULL, updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [p.queue, p.url, p.secret, p.newSecret, p.concurrency, p.timeoutMs],
  );
  return { created: Boolean(row!.created), endpoint: rowEndpoint(row!) };
}

export async function pushEndpointGet(q: Sql, p: { queue: string }): Promise<PushEndpoint | null> {
  const [row] = await q.query(`SELECT ${COLUMNS} FROM push_endpoints WHERE queue = $1`, [p.queue]);
  return row ? rowEndpoint(row) : null;
}

export async function pushEndpointList(q: Sql): Promise<PushEndpoint[]> {
  return (await q.query(`SELECT ${COLUMNS} FROM push_endpoints ORDER BY queue`)).map(rowEndpoint);
}

/** Whether the endpoint is still stored, active, and unchanged since `version` was read. */
export async function pushEndpointIsCurrent(q: Sql, p: { queue: string; version: string }): Promise<boolean> {
  const rows = await q.query(`SELECT 1 FROM push_endpoints WHERE queue = $1 AND xmin::text = $2 AND status = 'active'`, [p.queue, p.version]);
  return rows.length > 0;
}

export async function pushEndpointDelete(q: Sql, p: { queue: string }): Promise<boolean> {
  return (await q.query('DELETE FROM push_endpoints WHERE queue = $1 RETURNING queue', [p.queue])).length > 0;
}

/** Disables that version of the endpoint only: one replaced meanwhile (or created again with its queue) stays as it is. */
export async function pushEndpointDisable(q: Sql, p: { queue: string; version: string; reason: string }): Promise<void> {
  await q.query(
    `UPDATE push_endpoints SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE queue = $1 AND xmin::text = $3`,
    [p.queue, p.reason, p.version],
  );
}
