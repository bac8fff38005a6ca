import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Sql, TxOptions } from '../../db/driver';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { expectCode, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers, openTestDb } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import type { Broker } from './api';
import { createBroker } from './broker';
import { replicationVerdict } from './replication';

describe('replicationVerdict', () => {
  const pg = (synchronousStandbyNames: string, standbys: { name: string; syncState: string | null }[]) =>
    replicationVerdict({ database: 'postgres', synchronousStandbyNames, standbys });

  it('refuses PGlite, saying what is needed', () => {
    const v = replicationVerdict({ database: 'pglite', synchronousStandbyNames: '', standbys: [] });
    expect(v).toMatchObject({ ok: false });
    expect(!v.ok && v.reason).toMatch(/PostgreSQL .*synchronous standby/);
  });

  it('refuses a server whose commits wait for no standby, even with standbys connected', () => {
    const v = pg('', [{ name: 's1', syncState: 'async' }]);
    expect(!v.ok && v.reason).toMatch(/synchronous_standby_names is empty/);
  });

  it('refuses when the named standbys are not connected, or connected but not synchronous', () => {
    expect(!pg('*', []).ok && (pg('*', []) as { reason: string }).reason).toMatch(/no standby is connected/);
    const async = pg('FIRST 1 (s1)', [{ name: 's2', syncState: 'async' }, { name: 's3', syncState: 'potential' }]);
    expect(!async.ok && async.reason).toBe('no connected standby is synchronous (s2: async, s3: potential)');
  });

  it('says so when the role cannot see sync_state', () => {
    const v = pg('*', [{ name: 's1', syncState: null }]);
    expect(!v.ok && v.reason).toMatch(/pg_monitor/);
  });

  it('accepts a sync or quorum standby', () => {
    expect(pg('*', [{ name: 'a', syncState: 'async' }, { name: 'b', syncState: 'sync' }])).toEqual({ ok: true, standbys: ['b'] });
    expect(pg('ANY 1 (a, b)', [{ name: 'a', syncState: 'quorum' }])).toEqual({ ok: true, standbys: ['a'] });
  });
});

/**
 * The Db seam with each transaction's options and statements recorded (the database underneath
 * is real). A statement outside a transaction is recorded as its own, `autocommit`, with its
 * parameters: such a statement sets its commit mode itself, with set_config.
 */
interface RecordedTx {
  options?: TxOptions;
  statements: string[];
  autocommit?: { params: unknown[] };
}
function recording(db: Db): { db: Db; txs: RecordedTx[] } {
  const txs: RecordedTx[] = [];
  return {
    txs,
    db: {
      ...db,
      query(text, params) {
        txs.push({ statements: [text], autocommit: { params: params ?? [] } });
        return db.query(text, params);
      },
      tx<T>(fn: (q: Sql) => Promise<T>, options?: TxOptions) {
        const record: RecordedTx = { options, statements: [] };
        txs.push(record);
        return db.tx((q) => fn({ query: (text, params) => (record.statements.push(text), q.query(text, params)) }), options);
      },
    },
  };
}

const waitsForStandby = (t: RecordedTx) =>
  t.options?.synchronousCommit === 'remote_apply' ||
  t.statements.includes('SET LOCAL synchronous_commit = remote_apply') ||
  (t.autocommit !== undefined && t.statements[0]!.includes("set_config('synchronous_commit'") && t.autocommit.params.includes('remote_apply'));

describe.each(drivers)('replicated tier on %s', (driver) => {
  describe('declaring without a synchronous standby', () => {
    let t: TestBroker;
    beforeEach(async () => {
      t = await startTestBroker(driver);
    });
    afterEach(() => t.close());

    it('is refused with replication_unavailable, and creates neither the queue nor its DLQ', async () => {
      await expectCode(t.broker.declareQueue('ledger', { durability: 'replicated' }), 'replication_unavailable');
      await expect(t.broker.declareQueue('ledger', { durability: 'replicated' })).rejects.toThrow(
        driver === 'pglite' ? /PGlite.*PostgreSQL \(DATABASE_URL\) with a synchronous standby/ : /synchronous_standby_names|standby/,
      );
      expect((await t.broker.listQueues()).map((q) => q.name)).toEqual([]);
      // the other tiers are unaffected
      expect((await t.broker.declareQueue('plain', { durability: 'durable' })).created).toBe(true);
    });
  });

  describe('over HTTP', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(driver);
    });
    afterAll(() => s.close());

    it('answers 409 replication_unavailable, and the OpenAPI document lists the tier', async () => {
      const r = await call(s.url, 'PUT', '/v1/queues/ledger', { durability: 'replicated' });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('replication_unavailable');
      expect(r.body.error.details).toMatchObject({ queue: 'ledger' });
      const openapi = await call(s.url, 'GET', '/v1/openapi.json');
      expect(JSON.stringify(openapi.body.paths['/v1/queues/{name}'].put)).toContain('"replicated"');
    });
  });

  /**
   * A replicated queue that exists on a server with no standby: what a failover onto a lone
   * server leaves (the queue rows are written here as that failover would have left them).
   * PostgreSQL then commits remote_apply transactions locally, so the tier's plumbing can be
   * checked on any server: which transactions ask to wait for the standby.
   */
  describe('transactions that touch a replicated queue wait for the standby', () => {
    let db: Db;
    let txs: ReturnType<typeof recording>['txs'];
    let broker: Broker;
    beforeEach(async () => {
      const real = await openTestDb(driver);
      const rec = recording(real);
      db = rec.db;
      txs = rec.txs;
      broker = createBroker({ db, node: 'test-node', sweepIntervalMs: 50 });
      await broker.start();
      await broker.declareQueue('ledger', { maxDeliveries: 2, retry: { initialDelayMs: 0, jitter: 0 } });
      await broker.declareQueue('plain', {});
      await db.query(`UPDATE queues SET durability = 'replicated' WHERE name IN ('ledger', 'ledger.dlq')`);
      await db.query(`SELECT pg_notify('hatoba_topology', 'changed')`);
      await waitFor(async () => (await broker.queueInfo('ledger.dlq')).settings.durability === 'replicated');
    });
    afterEach(async () => {
      await broker.stop();
      await db.close();
    });

    /** The transactions `fn` ran that contain `marker` (the sweeper's own run alongside). */
    const during = async <T>(marker: string, fn: () => Promise<T>) => {
      const from = txs.length;
      const value = await fn();
      return { value, txs: txs.slice(from).filter((t) => t.statements.some((s) => s.includes(marker))) };
    };

    it('publish: a batch with a replicated entry commits remote_apply; one without keeps the server setting', async () => {
      const plain = await during('INSERT INTO messages', () => broker.publish(message('amq.default', 'plain', 'p')));
      expect(plain.txs.length).toBeGreaterThan(0);
      expect(plain.txs.some(waitsForStandby)).toBe(false);
      const rep = await during('INSERT INTO messages', () => broker.publish(message('amq.default', 'ledger', 'r', { persistent: false })));
      expect(rep.txs.length).toBeGreaterThan(0);
      expect(rep.txs.every(waitsForStandby)).toBe(true);
      const mixed = await during('INSERT INTO messages', () =>
        Promise.all([broker.publish(message('amq.default', 'plain', 'p2')), broker.publish(message('amq.default', 'ledger', 'r2'))]),
      );
      expect(mixed.txs.some(waitsForStandby)).toBe(true);
      expect((await broker.queueInfo('ledger')).ready).toBe(2);
    });

    it('ack, nack, dead-lettering into the replicated DLQ, replay and discard wait for the standby', async () => {
      const sent = await broker.publish(message('amq.default', 'ledger', 'job'));
      const d1 = await receiveOne(broker, 'ledger');
      const nack = await during("'nacked'", () => broker.nack('ledger', [d1.receipt], { error: 'first' }));
      expect(nack.value.nacked).toBe(1);
      expect(nack.txs.length).toBe(1);
      expect(nack.txs.every(waitsForStandby)).toBe(true);
      const d2 = await receiveOne(broker, 'ledger');
      const dead = await during("'nacked'", () => broker.nack('ledger', [d2.receipt], { error: 'second' }));
      expect(dead.txs.length).toBe(1);
      expect(dead.txs.every(waitsForStandby)).toBe(true);
      const dl = await receiveOne(broker, 'ledger.dlq', { visibilityMs: 100 });
      expect(dl).toMatchObject({ id: sent.id, death: { queue: 'ledger', reason: 'max_deliveries', lastError: 'second' } });
      await waitFor(async () => (await broker.queueInfo('ledger.dlq')).inFlight === 0 && (await broker.queueInfo('ledger.dlq')).ready === 1);
      const replay = await during("'replayed'", () => broker.replay('ledger.dlq', { ids: [sent.id] }));
      expect(replay.value.replayed).toBe(1);
      expect(replay.txs.length).toBe(1);
      expect(replay.txs.every(waitsForStandby)).toBe(true);
      const again = await receiveOne(broker, 'ledger');
      expect(again).toMatchObject({ id: sent.id, attempt: 1 });
      const ack = await during("'acked'", () => broker.ack('ledger', [again.receipt]));
      expect(ack.value).toEqual({ acked: 1, stale: [] });
      expect(ack.txs.length).toBe(1);
      expect(ack.txs.every(waitsForStandby)).toBe(true);

      // an ack on a durable queue stays one autocommit statement, as before
      await broker.publish(message('amq.default', 'plain', 'x'));
      const p = await receiveOne(broker, 'plain');
      const plainAck = await during("'acked'", () => broker.ack('plain', [p.receipt]));
      expect(plainAck.value.acked).toBe(1);
      expect(plainAck.txs).toHaveLength(1);
      expect(plainAck.txs[0]!.autocommit).toBeDefined();
      expect(waitsForStandby(plainAck.txs[0]!)).toBe(false);
    });

    it('the sweeper dead-letters a spent lease of a replicated queue in a transaction that waits for the standby', async () => {
      await broker.publish(message('amq.default', 'ledger', 'slow'));
      await receiveOne(broker, 'ledger', { visibilityMs: 100 });
      await waitFor(async () => (await broker.queueInfo('ledger')).ready === 1, 3000);
      const d = await receiveOne(broker, 'ledger', { visibilityMs: 100 });
      expect(d.attempt).toBe(2);
      const from = txs.length;
      await waitFor(async () => (await broker.queueInfo('ledger.dlq')).ready === 1, 3000);
      const sweeps = txs.slice(from).filter((t) => t.statements.some((s) => s.includes("'lease_expired'")));
      expect(sweeps.length).toBeGreaterThan(0);
      expect(sweeps.every(waitsForStandby)).toBe(true);
    });
  });

  it.runIf(driver === 'postgres')('the driver runs a remote_apply transaction with that setting, and only that one', async () => {
    const db = await openTestDb(driver);
    try {
      const show = (o?: TxOptions) => db.tx(async (q) => (await q.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]!.synchronous_commit, o);
      expect(await show({ synchronousCommit: 'remote_apply' })).toBe('remote_apply');
      expect(await show({ synchronousCommit: false })).toBe('off');
      expect(await show()).toBe('on');
    } finally {
      await db.close();
    }
  });
});
