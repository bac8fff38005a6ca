import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { message } from '../../test/broker';
import { drivers, openTestDb } from '../../test/databases';
import { createBroker } from './broker';
import { BrokerError } from './errors';

/**
 * A publish is bounded by the commit timeout also while it waits for a topology reload: with a
 * database that stops answering, the reload's read never returns, and the publish used to wait
 * on it for as long as the database was gone.
 */
describe.each(drivers)('the commit timeout on %s', (driver) => {
  it('answers a publish waiting on a topology reload that never finishes with database_timeout, nothing written', async () => {
    const db = await openTestDb(driver);
    let stall = false;
    // The topology's reads hang once `stall` is set, as on a frozen database.
    const slow: Db = {
      ...db,
      query: ((sql: string, params?: unknown[]) =>
        stall && sql.startsWith('SELECT name, type FROM exchanges') ? new Promise(() => {}) : db.query(sql, params)) as Db['query'],
    };
    const broker = createBroker({ db: slow, node: 'stalled', commitTimeoutMs: 300 });
    await broker.start();
    try {
      await broker.declareQueue('q', {});
      stall = true;
      void broker.declareQueue('other', {}).catch(() => {}); // its reload never finishes
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const err = await broker.publish(message('', 'q', 'stuck')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BrokerError);
      expect(err).toMatchObject({ code: 'database_timeout', details: { timeoutMs: 300, written: false } });
      expect(Date.now() - started).toBeLessThan(3000);
      stall = false;
      expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).toEqual([{ n: 0 }]);
    } finally {
      stall = false;
      await broker.stop().catch(() => {});
      await db.close();
    }
  });
});
