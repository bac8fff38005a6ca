import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/driver';
import { drivers, openTestDb } from '../../../test/databases';
import { MESSAGE_SEARCH_SQL, messageSearch, messageSearchParams } from './message-search';
import { RETENTION_STATEMENTS } from './retention';

/**
 * The two indexes migration 0010 made lighter are still the ones their readers use: the header
 * search reaches the partial GIN index (only messages with headers are in it), and retention's
 * events batch the BRIN index on `at`. Sequential scans are turned off, as a large table would
 * make the planner avoid them, so the plan shows whether the index can serve the query at all.
 */
describe.each(drivers)('index use on %s', (driver) => {
  let db: Db;
  beforeEach(async () => {
    db = await openTestDb(driver);
    await db.query(
      `INSERT INTO messages (id, exchange, routing_key, headers, content_type, body, correlation_id, routed_to)
       SELECT gen_random_uuid(), 'orders', 'k', CASE WHEN i % 10 = 0 THEN jsonb_build_object('tenant', 't' || i) ELSE '{}'::jsonb END,
              'text/plain', '\\x00'::bytea, 'c' || i, ARRAY['q']
       FROM generate_series(1, 200) i`,
    );
    await db.query(`INSERT INTO events (type, message_id, node, at) SELECT 'acked', gen_random_uuid(), 'n', now() - i * interval '1 hour' FROM generate_series(1, 200) i`);
    await db.query('ANALYZE messages');
    await db.query('ANALYZE events');
  });
  afterEach(async () => db.close());

  async function plan(sql: string, params: unknown[]): Promise<string> {
    return db.tx(async (q) => {
      await q.query('SET LOCAL enable_seqscan = off');
      const rows = await q.query<Record<string, unknown>>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => String(Object.values(r)[0])).join('\n');
    });
  }

  it('a search by header uses the partial index on headers, and finds the message', async () => {
    const query = { headers: { tenant: 't50' }, limit: 50 };
    expect(await plan(MESSAGE_SEARCH_SQL, messageSearchParams(query))).toContain('messages_headers');
    const found = await messageSearch(db, query);
    expect(found.messages.map((m) => m.correlationId)).toEqual(['c50']);
  });

  it('messages without headers are not in the headers index', async () => {
    const [row] = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_headers'`);
    expect(row!.indexdef).toMatch(/WHERE \(headers <> '\{\}'::jsonb\)/);
  });

  it("retention's batch of events uses the BRIN index on at", async () => {
    const day = 24 * 3600_000;
    const shown = await plan(RETENTION_STATEMENTS.events, [day]);
    expect(shown).toContain('events_at');
    const [{ n }] = (await db.query<{ n: number }>(`WITH d AS (${RETENTION_STATEMENTS.events} RETURNING 1) SELECT count(*)::int AS n FROM d`, [day])) as [{ n: number }];
    expect(n).toBe(200 - 23); // events 24 hours old and more (the newest is 1 hour old)
  });
});
