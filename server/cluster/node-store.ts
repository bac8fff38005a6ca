import { jsonValue, type Sql } from '../../db/driver';

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
  /** What the node shared at its last heartbeat (`{}` when nothing). */
  live: unknown;
}

/** `started_at` as exact ISO 8601 text, which `::timestamptz` reads back whatever the session's DateStyle and TimeZone. */
const registrationToken = `to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Registers (or re-registers) a node as started now. Returns the registration's token (its
 * `started_at`, as exact text): heartbeats and the stop name it, so a process whose row another
 * process has since taken over (same id) neither keeps that row alive nor marks it stopped.
 */
export async function nodeRegister(q: Sql, p: { id: string; url: string; version: string }): Promise<string> {
  const [row] = await q.query<{ token: string }>(
    `INSERT INTO nodes (id, url, version, started_at, last_heartbeat_at, stopped_at)
     VALUES ($1, $2, $3, now(), now(), NULL)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, version = excluded.version,
       started_at = now(), last_heartbeat_at = now(), stopped_at = NULL, live = '{}'
     RETURNING ${registrationToken} AS token`,
    [p.id, p.url, p.version],
  );
  return row!.token;
}

// The token is sent as text: postgres.js would send a timestamptz parameter through a Date, to the millisecond.
const mine = `id = $1 AND started_at = $2::text::timestamptz`;

/**
 * Records a heartbeat of this registration: `gone` when the row is gone (pruned while this node
 * was cut off), `taken` when another process has registered the same id since.
 */
export async function nodeHeartbeat(q: Sql, p: { id: string; token: string; live?: unknown }): Promise<'beat' | 'gone' | 'taken'> {
  const rows = await q.query(
    `UPDATE nodes SET last_heartbeat_at = now(), stopped_at = NULL, live = coalesce($3::text::jsonb, live) WHERE ${mine} RETURNING id`,
    [p.id, p.token, p.live === undefined ? null : JSON.stringify(p.live)],
  );
  if (rows.length > 0) return 'beat';
  return (await q.query('SELECT 1 FROM nodes WHERE id = $1', [p.id])).length > 0 ? 'taken' : 'gone';
}

/** The address this registration is reached at, once it is known (after the HTTP server listens). */
export async function nodeSetUrl(q: Sql, p: { id: string; token: string; url: string }): Promise<void> {
  await q.query(`UPDATE nodes SET url = $3 WHERE ${mine}`, [p.id, p.token, p.url]);
}

/** A graceful stop: the node is dead at once, without waiting for its heartbeat to age. */
export async function nodeStop(q: Sql, p: { id: string; token: string }): Promise<void> {
  await q.query(`UPDATE nodes SET stopped_at = now() WHERE ${mine}`, [p.id, p.token]);
}

const alive = `(stopped_at IS NULL AND last_heartbeat_at > now() - $1::int * interval '1 millisecond')`;

/** The live nodes other than `self`, with what each shared at its last heartbeat (`live`); `alive` counts `self` too. */
export async function nodeAlivePeers(q: Sql, p: { self: string; deadAfterMs: number }): Promise<{ alive: number; peers: unknown[] }> {
  const rows = await q.query<{ id: string; live: unknown }>(`SELECT id, CASE WHEN id <> $2 THEN live END AS live FROM nodes WHERE ${alive}`, [
    p.deadAfterMs,
    p.self,
  ]);
  return { alive: rows.length, peers: rows.filter((r) => r.id !== p.self).map((r) => jsonValue(r.live)) };
}

/** A live node as a starting node sees it: `token` and `beat` change when it registers or heartbeats. */
export interface LiveNodeRow {
  id: string;
  url: string;
  token: string;
  beat: string;
  /** How long ago it last heartbeat, by the database's clock. */
  silentMs: number;
}

export async function nodeListAlive(q: Sql, p: { deadAfterMs: number }): Promise<LiveNodeRow[]> {
  const rows = await q.query<{ id: string; url: string; token: string; beat: string; silent_ms: number | string }>(
    `SELECT id, url, ${registrationToken} AS token, last_heartbeat_at::text AS beat,
       (extract(epoch FROM now() - last_heartbeat_at) * 1000)::float8 AS silent_ms
     FROM nodes WHERE ${alive} ORDER BY id`,
    [p.deadAfterMs],
  );
  return rows.map((r) => ({ id: r.id, url: r.url, token: r.token, beat: r.beat, silentMs: Math.max(0, Number(r.silent_ms)) }));
}

/** Every node heard from within `keepMs`, alive or not. */
export async function nodeList(q: Sql, p: { deadAfterMs: number; keepMs: number }): Promise<NodeRow[]> {
  const rows = await q.query<{ id: string; url: string; version: string; started_at: Date | string; last_heartbeat_at: Date | string; alive: boolean; live: unknown }>(
    `SELECT id, url, version, started_at, last_heartbeat_at, ${alive} AS alive, live
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
    live: jsonValue(r.live),
  }));
}

/** Forgets the nodes not heard from for `keepMs`; returns their ids. */
export async function nodePrune(q: Sql, p: { keepMs: number }): Promise<string[]> {
  const rows = await q.query<{ id: string }>(`DELETE FROM nodes WHERE last_heartbeat_at < now() - $1::int * interval '1 millisecond' RETURNING id`, [p.keepMs]);
  return rows.map((r) => r.id);
}
