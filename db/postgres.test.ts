import { afterEach, describe, expect, it } from 'vitest';
import { sharedPostgres, type SharedPostgres } from '../test/shared-postgres';
import { tcpProxy } from '../test/tcp-proxy';
import { isConnectionLost } from './errors';
import { openPostgres } from './postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The driver when PostgreSQL ends its connections (pg_terminate_backend, a restart): statements
 * in flight fail (never a false success), the process survives, and the pool, LISTEN and
 * sessions come back by themselves. An uncaught exception here fails the run.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('postgres driver when connections are killed', () => {
  let pg: SharedPostgres;
  afterEach(async () => pg.drop());

  it('a transaction whose connection dies (in a statement, idle in it, or before a throw) rejects and commits nothing', async () => {
    pg = await sharedPostgres();
    const db = pg.open(2);
    await db.query('CREATE TABLE t (v text)');
    for (const mode of ['in a statement', 'idle in transaction', 'then the callback throws']) {
      const outcome = await db
        .tx(async (t) => {
          await t.query('INSERT INTO t VALUES ($1)', [mode]);
          const [{ pid }] = (await t.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
          const kill = () => pg.admin.unsafe('SELECT pg_terminate_backend($1)', [pid]);
          if (mode === 'in a statement') {
            const sleeping = t.query('SELECT pg_sleep(5)');
            await sleep(100);
            await kill();
            await sleeping;
          } else {
            await kill();
            await sleep(200);
            if (mode === 'idle in transaction') await t.query('SELECT 1');
            else throw new Error('application error');
          }
          return 'committed';
        })
        .catch((e: unknown) => e);
      expect(isConnectionLost(outcome), `${mode}: ${String(outcome)}`).toBe(true);
    }
    await sleep(200);
    // The pool serves again (a first statement may still meet a dead connection).
    const rows = await db.query('SELECT v FROM t').catch(() => db.query('SELECT v FROM t'));
    expect(rows).toEqual([]);
  });

  it('reads arrays on connections opened after the first, which no longer fetch the array types', async () => {
    pg = await sharedPostgres();
    // postgres.js drops the promise of that fetch: a connection lost during it ended the process.
    // Counted on the wire, through a proxy that sees what each connection sends.
    let connections = 0;
    let matches = 0;
    const proxy = await tcpProxy(new URL(pg.url), {
      onConnection(client) {
        connections++;
        let sent = '';
        client.on('data', (chunk: Buffer) => {
          const before = sent.includes('typarray');
          sent = (sent + chunk.toString('latin1')).slice(-4096);
          if (!before && sent.includes('typarray')) matches++;
        });
      },
    });
    const seen = () => ({ connections, matches });
    const db = openPostgres({ url: proxy.url, maxConnections: 3 });
    try {
      const arrays = 'SELECT ARRAY[$1::text, $2::text] AS a, ARRAY[1, 2]::int8[] AS n';
      expect(await db.query(arrays, ['x', 'y'])).toEqual([{ a: ['x', 'y'], n: ['1', '2'] }]);
      expect(seen()).toEqual({ connections: 1, matches: 1 });
      await pg.terminateHatobaBackends();
      await sleep(200);
      // New connections: the types fetched by the first are kept on the pool's shared options.
      const again = await Promise.all([0, 1, 2].map(() => db.query(arrays, ['x', 'y']).catch(() => db.query(arrays, ['x', 'y']))));
      for (const rows of again) expect(rows).toEqual([{ a: ['x', 'y'], n: ['1', '2'] }]);
      expect(seen().connections).toBeGreaterThanOrEqual(3);
      expect(seen().matches).toBe(1);
    } finally {
      await db.close();
      await proxy.close();
    }
  });

  it('LISTEN comes back after its connection is killed, and says so (missed notifications are caught up by the caller)', async () => {
    pg = await sharedPostgres();
    const db = pg.open(2);
    const got: string[] = [];
    let reconnects = 0;
    await db.listen('hatoba_test', (p) => got.push(p), () => reconnects++);
    await pg.admin.unsafe(`SELECT pg_notify('hatoba_test', 'before')`);
    await expect.poll(() => got).toEqual(['before']);
    await pg.terminateHatobaBackends();
    await expect.poll(() => reconnects, { timeout: 10_000 }).toBe(1);
    await pg.admin.unsafe(`SELECT pg_notify('hatoba_test', 'after')`);
    await expect.poll(() => got).toEqual(['before', 'after']);
  });

  it('a session reports its end and refuses statements after it, instead of silently reconnecting without its locks', async () => {
    pg = await sharedPostgres();
    const db = pg.open(2);
    const session = await db.session!();
    expect(await session.query('SELECT pg_try_advisory_lock(42) AS ok')).toEqual([{ ok: true }]);
    await pg.admin.unsafe('SELECT pg_terminate_backend($1)', [session.pid]);
    await session.closed;
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    const other = await db.session!();
    expect(await other.query('SELECT pg_try_advisory_lock(42) AS ok')).toEqual([{ ok: true }]);
    await other.close();
  });
});
