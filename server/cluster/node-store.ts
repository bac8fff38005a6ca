import type { Sql } from '../../db/driver';

/**
 * The `nodes` table: one row per gateway node. Times are the database's clock, so nodes with
 * skewed clocks still agree on who is alive.
 */
export interface NodeRow {
  id: string;
  url: string;
  version: string;
  startedAt: Date;
  lastHeartbeatAt: Date;
  alive: boolean;
}

/** Registers (or re-registers) a node as started now. */
export async function nodeRegister(q: Sql, p: { id: string; url: string; version: string }): Promise<void> {
  await q.query(
    `INSERT INTO nodes (id, url, version, started_at, last_heartbeat_at, stopped_at)
     VALUES ($1, $2, $3, now(), now(), NULL)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, version = excluded.version,
       started_at = now(), last_heartbeat_at = now(), stopped_at = NULL`,
    [p.id, p.url, p.version],
  );
}

/** Records a heartbeat; false when the row is gone (pruned while this node was cut off). */
export async function nodeHeartbeat(q: Sql, p: { id: string }): Promise<boolean> {
  const rows = await q.query('UPDATE nodes SET last_heartbeat_at = now(), stopped_at = NULL WHERE id = $1 RETURNING id', [p.id]);
  return rows.length > 0;
}

/** A graceful stop: the node is dead at once, without waiting for its heartbeat to age. */
export async function nodeStop(q: Sql, p: { id: string }): Promise<void> {
  await q.query('UPDATE nodes SET stopped_at = now() WHERE id = $1', [p.id]);
}

const alive = `(stopped_at IS NULL AND last_heartbeat_at > now() - $1::int * interval '1 millisecond')`;

export async function nodeAliveCount(q: Sql, p: { deadAfterMs: number }): Promise<number> {
  const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM nodes WHERE ${alive}`, [p.deadAfterMs]);
  return Number(row?.n ?? 0);
}

/** Every node heard from within `keepMs`, alive or not. */
export async function nodeList(q: Sql, p: { deadAfterMs: number; keepMs: number }): Promise<NodeRow[]> {
  const rows = await q.query<{ id: string; url: string; version: string; started_at: Date | string; last_heartbeat_at: Date | string; alive: boolean }>(
    `SELECT id, url, version, started_at, last_heartbeat_at, ${alive} AS alive
     FROM nodes WHERE last_heartbeat_at > now() - $2::int * interval '1 millisecond' ORDER BY id`,
    [p.deadAfterMs, p.keepMs],
  );
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    version: r.version,
    startedAt: new Date(r.started_at),
    lastHeartbeatAt: new Date(r.last_heartbeat_at),
    alive: r.alive,
  }));
}

/** Forgets nodes not heard from for `keepMs` (run by the leader). */
export async function nodePrune(q: Sql, p: { keepMs: number }): Promise<number> {
  const rows = await q.query(`DELETE FROM nodes WHERE last_heartbeat_at < now() - $1::int * interval '1 millisecond' RETURNING id`, [p.keepMs]);
  return rows.length;
}
