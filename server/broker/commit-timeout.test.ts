import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { message } from '../../test/broker';
import { drivers, openTestDb } from '../../test/databases';
import type { Broker } from './api';
import { createBroker } from './broker';
import { BrokerError } from './errors';

/**
 * Every request that waits for a topology reload is bounded by the commit timeout: with a
 * database that stops answering, the reload's read never returns, and a publish (or a receive
 * or ack on a queue this node had not seen yet) used to wait on it for as long as the database
 * was gone.
 */
describe.each(drivers)('the commit timeout on %s', (driver) => {
  let db: Db;
  let stall: boolean;
  let broker: Broker;

  beforeEach(async () => {
    db = await openTestDb(driver);
    stall = false;
    // The topology's reads hang once `stall` is set, as on a frozen database.
    const slow: Db = {
      ...db,
      query: ((sql: string, params?: unknown[]) =>
        stall && sql.startsWith('SELECT name, type FROM exchanges') ? new Promise(() => {}) : db.query(sql, params)) as Db['query'],
    };
    broker = createBroker({ db: slow, node: 'stalled', commitTimeoutMs: 300 });
    await broker.start();
    await broker.declareQueue('q', {});
    stall = true;
    void broker.declareQueue('other', {}).catch(() => {}); // its reload never finishes
    await new Promise((r) => setTimeout(r, 50));
  });

  afterEach(async () => {
    stall = false;
    await broker.stop().catch(() => {});
    await db.close();
  });

  /** What `op` failed with, and how long it took. */
  async function failure(op: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
    const started = Date.now();
    const err = await op().then(
      () => null,
      (e: unknown) => e,
    );
    return { err, ms: Date.now() - started };
  }

  it('answers a publish waiting on a topology reload that never finishes with database_timeout, nothing written', async () => {
    const { err, ms } = await failure(() => broker.publish(message('', 'q', 'stuck')));
    expect(err).toBeInstanceOf(BrokerError);
    expect(err).toMatchObject({ code: 'database_timeout', details: { timeoutMs: 300, written: false } });
    expect(ms).toBeLessThan(3000);
    stall = false;
    expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).toEqual([{ n: 0 }]);
  });

  it('answers a receive, ack, nack and extend on a queue the snapshot lacks with database_timeout, not a hang', async () => {
    // 'elsewhere' is not in this node's snapshot, so each waits for the reload to look again.
    const ops = {
      receive: () => broker.receive('elsewhere', { max: 1, waitMs: 0 }),
      ack: () => broker.ack('elsewhere', ['1.00000000-0000-4000-8000-000000000000']),
      nack: () => broker.nack('elsewhere', ['1.00000000-0000-4000-8000-000000000000'], {}),
      extend: () => broker.extend('elsewhere', ['1.00000000-0000-4000-8000-000000000000'], 1000),
    };
    for (const [name, op] of Object.entries(ops)) {
      const { err, ms } = await failure(op);
      expect(err, name).toMatchObject({ code: 'database_timeout', details: { timeoutMs: 300, written: false } });
      expect(ms, name).toBeLessThan(3000);
    }
  });
});
