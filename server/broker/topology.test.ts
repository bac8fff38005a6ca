import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { depth, expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { until } from '../../test/until';
import { createBroker } from './broker';
import type { Definitions } from './types';

const sortedDefinitions = (d: Definitions) => ({
  exchanges: [...d.exchanges].sort((a, b) => a.name.localeCompare(b.name)),
  queues: [...d.queues].sort((a, b) => a.name.localeCompare(b.name)),
  bindings: [...d.bindings].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
});

describe.each(drivers)('topology on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it('declare answers created: true, then false for the same thing', async () => {
    const { broker } = t;
    expect(await broker.declareExchange('orders', 'topic')).toEqual({ created: true });
    expect(await broker.declareExchange('orders', 'topic')).toEqual({ created: false });
    const first = await broker.declareQueue('jobs', { maxDeliveries: 3 });
    expect(first.created).toBe(true);
    expect(first.queue.settings.maxDeliveries).toBe(3);
    const again = await broker.declareQueue('jobs', { maxDeliveries: 3 });
    expect(again.created).toBe(false);
    expect(await broker.bind({ exchange: 'orders', queue: 'jobs', key: 'order.*' })).toMatchObject({ created: true });
    expect(await broker.bind({ exchange: 'orders', queue: 'jobs', key: 'order.*' })).toMatchObject({ created: false });
    const exchanges = await broker.listExchanges();
    expect(exchanges.find((e) => e.name === 'orders')).toMatchObject({ type: 'topic', bindings: 1 });
  });

  it('a queue declaration creates its .dlq unless deadLetter is false; redeclaring replaces settings', async () => {
    const { broker } = t;
    await broker.declareQueue('a', {});
    await broker.declareQueue('b', { deadLetter: false });
    const names = (await broker.listQueues()).map((q) => q.name);
    expect(names).toEqual(['a', 'a.dlq', 'b']);
    const { created, queue } = await broker.declareQueue('a', { maxDeliveries: 9, visibilityTimeoutMs: 5000 });
    expect(created).toBe(false);
    expect(queue.settings).toMatchObject({ maxDeliveries: 9, visibilityTimeoutMs: 5000, durability: 'durable' });
    expect((await broker.queueInfo('a')).settings.maxDeliveries).toBe(9);
  });

  it('refuses an exchange redeclared with another type, and keeps the old one', async () => {
    const { broker } = t;
    await broker.declareExchange('events', 'fanout');
    await expectCode(broker.declareExchange('events', 'direct'), 'exchange_type_mismatch');
    expect((await broker.listExchanges()).find((e) => e.name === 'events')?.type).toBe('fanout');
    await broker.declareQueue('sink', {});
    await broker.bind({ exchange: 'events', queue: 'sink', key: '' });
    expect((await broker.publish(message('events', 'anything', 'x'))).queues).toEqual(['sink']);
  });

  it('refuses to change a queue durability', async () => {
    const { broker } = t;
    await broker.declareQueue('mem', { durability: 'memory' });
    await expectCode(broker.declareQueue('mem', { durability: 'durable' }), 'queue_settings_mismatch');
    await broker.declareQueue('dur', { durability: 'durable' });
    await expectCode(broker.declareQueue('dur', { durability: 'memory' }), 'queue_settings_mismatch');
    expect((await broker.queueInfo('mem')).settings.durability).toBe('memory');
    expect((await broker.queueInfo('dur')).settings.durability).toBe('durable');
  });

  it('rejects invalid names with invalid_name', async () => {
    const { broker } = t;
    for (const bad of ['', 'has space', 'a/b', 'ü', 'x'.repeat(201), 'tab\there']) {
      await expectCode(broker.declareExchange(bad, 'direct'), 'invalid_name');
      await expectCode(broker.declareQueue(bad, {}), 'invalid_name');
    }
    await expectCode(broker.receive('bad name', { max: 1, waitMs: 0 }), 'invalid_name');
    await expectCode(broker.publish(message('bad name', 'k', 'x')), 'invalid_name');
    // the longest valid name is fine
    expect((await broker.declareQueue('q'.repeat(196), { deadLetter: false })).created).toBe(true);
    expect((await broker.declareExchange('A-z_0.9:x', 'direct')).created).toBe(true);
  });

  it('reserves amq.* names', async () => {
    const { broker } = t;
    await expectCode(broker.declareExchange('amq.topic', 'topic'), 'reserved_name');
    await expectCode(broker.declareExchange('amq.default', 'direct'), 'reserved_name');
    await expectCode(broker.declareQueue('amq.jobs', {}), 'reserved_name');
    await expectCode(broker.deleteExchange('amq.default'), 'reserved_name');
    await broker.declareQueue('jobs', {});
    await expectCode(broker.bind({ exchange: 'amq.default', queue: 'jobs', key: 'jobs' }), 'reserved_name');
  });

  it('reports unknown exchanges and queues with exchange_not_found / queue_not_found', async () => {
    const { broker } = t;
    await broker.declareExchange('x', 'direct');
    await broker.declareQueue('q', {});
    await expectCode(broker.publish(message('nope', 'k', 'x')), 'exchange_not_found');
    await expectCode(broker.publishBatch([message('x', 'k', 'x'), message('nope', 'k', 'y')]), 'exchange_not_found');
    await expectCode(broker.bind({ exchange: 'nope', queue: 'q', key: 'k' }), 'exchange_not_found');
    await expectCode(broker.bind({ exchange: 'x', queue: 'nope', key: 'k' }), 'queue_not_found');
    await expectCode(broker.deleteExchange('nope'), 'exchange_not_found');
    await expectCode(broker.declareQueue('dl', { deadLetter: { exchange: 'nope' } }), 'exchange_not_found');
    await expectCode(broker.receive('nope', { max: 1, waitMs: 0 }), 'queue_not_found');
    await expectCode(broker.queueInfo('nope'), 'queue_not_found');
    await expectCode(broker.purge('nope'), 'queue_not_found');
    await expectCode(broker.deleteQueue('nope'), 'queue_not_found');
    await expectCode(broker.ack('nope', []), 'queue_not_found');
    await expectCode(broker.nack('nope', [], {}), 'queue_not_found');
    await expectCode(broker.replay('nope', { all: true }), 'queue_not_found');
    await expectCode(broker.getMessage('0190a0b4-0000-7000-8000-000000000000'), 'message_not_found');
    await expectCode(broker.getMessage('not-a-uuid'), 'message_not_found');
    // the default exchange exists without being declared
    expect((await broker.publish(message('amq.default', 'q', 'x'))).queues).toEqual(['q']);
  });

  it('rejects bad routing keys and bad receive options', async () => {
    const { broker } = t;
    await broker.declareQueue('q', {});
    await expectCode(broker.publish(message('amq.default', 'q.*', 'x')), 'invalid_routing_key');
    await expectCode(broker.publish(message('amq.default', 'has space', 'x')), 'invalid_routing_key');
    await expectCode(broker.publish(message('amq.default', 'k'.repeat(256), 'x')), 'invalid_routing_key');
    await expectCode(broker.receive('q', { max: 0, waitMs: 0 }), 'validation_failed');
    await expectCode(broker.receive('q', { max: 1001, waitMs: 0 }), 'validation_failed');
    await expectCode(broker.receive('q', { max: 1, waitMs: 30_001 }), 'validation_failed');
    await expectCode(broker.receive('q', { max: 1, waitMs: 0, visibilityMs: 50 }), 'validation_failed');
    await expectCode(broker.ack('q', ['garbage']), 'invalid_receipt');
    await expectCode(broker.declareQueue('bad', { maxDeliveries: 0 }), 'validation_failed');
    await expectCode(broker.declareQueue('bad', { retry: { initialDelayMs: 5000, maxDelayMs: 1000 } }), 'validation_failed');
    expect((await broker.declareQueue('slow-retry', { retry: { initialDelayMs: 120_000 } })).queue.settings.retry.maxDelayMs).toBe(120_000);
    // 197 characters: its .dlq would have 201; the error says so, about the name that was given
    const long = 'q'.repeat(197);
    await expect(broker.declareQueue(long, {})).rejects.toMatchObject({ code: 'invalid_name', message: expect.stringContaining('use at most 196 characters'), details: { queue: long } });
    expect((await broker.declareQueue(long, { deadLetter: false })).created).toBe(true);
    expect((await broker.declareQueue('q'.repeat(196), {})).created).toBe(true);
  });

  it('unbind stops routing; deleting a queue drops its bindings and entries', async () => {
    const { broker } = t;
    await broker.declareExchange('x', 'direct');
    await broker.declareQueue('q', {});
    await broker.bind({ exchange: 'x', queue: 'q', key: 'k' });
    expect((await broker.publish(message('x', 'k', '1'))).queues).toEqual(['q']);
    expect(await broker.unbind({ exchange: 'x', queue: 'q', key: 'k' })).toEqual({ deleted: true });
    expect(await broker.unbind({ exchange: 'x', queue: 'q', key: 'k' })).toEqual({ deleted: false });
    expect((await broker.publish(message('x', 'k', '2'))).queues).toEqual([]);
    expect(await depth(broker, 'q')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });

    await broker.bind({ exchange: 'x', queue: 'q', key: 'k' });
    await broker.deleteQueue('q');
    await expectCode(broker.queueInfo('q'), 'queue_not_found');
    expect((await broker.listExchanges()).find((e) => e.name === 'x')?.bindings).toBe(0);
    await broker.declareQueue('q', {});
    expect(await depth(broker, 'q')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect((await broker.publish(message('x', 'k', '3'))).queues).toEqual([]);
  });

  it('refuses to delete a queue or exchange that another queue dead-letters to, so no dead letter is dropped unseen', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await expectCode(broker.deleteQueue('work.dlq'), 'queue_in_use');
    await broker.declareQueue('parked', {});
    await broker.declareQueue('keyed', { deadLetter: { exchange: 'amq.default', routingKey: 'parked' } });
    await expectCode(broker.deleteQueue('parked'), 'queue_in_use');
    await broker.declareExchange('graveyard', 'fanout');
    await broker.declareQueue('routed', { deadLetter: { exchange: 'graveyard' } });
    await expect(broker.deleteExchange('graveyard')).rejects.toMatchObject({ code: 'exchange_in_use', details: { exchange: 'graveyard', deadLetterOf: ['routed'] } });

    // A rejected message still lands in work.dlq.
    await broker.publish(message('amq.default', 'work', 'keep me'));
    const [d] = await broker.receive('work', { max: 1, waitMs: 0 });
    await broker.nack('work', [d!.receipt], { requeue: false });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });

    // Once nothing dead-letters to them, they go.
    await broker.declareQueue('work', { deadLetter: false });
    await broker.deleteQueue('work.dlq');
    await broker.deleteQueue('keyed');
    await broker.deleteQueue('parked');
    await broker.deleteQueue('routed');
    await broker.deleteExchange('graveyard');
    // A queue cannot dead-letter to itself by key (an expired message would cycle forever).
    await expectCode(broker.declareQueue('self', { deadLetter: { exchange: 'amq.default', routingKey: 'self' } }), 'validation_failed');
    await expectCode(broker.queueInfo('self'), 'queue_not_found');
  });

  /** Another node on the same database, whose next queue reload is held back (a slow query) once `stall()` is called. */
  async function slowNode() {
    let stallNext = false;
    let reloadStarted!: () => void;
    const started = new Promise<void>((r) => (reloadStarted = r));
    const db: Db = {
      ...t.db,
      async query(text, params) {
        if (stallNext && text.startsWith('SELECT * FROM queues')) {
          stallNext = false;
          reloadStarted();
          await sleep(300);
        }
        return (await t.db.query(text, params)) as never;
      },
    };
    const broker = createBroker({ db, node: 'other' });
    await broker.start();
    return {
      broker,
      /** Declares `name` (a queue, or an exchange) on this test's node and resolves once the other node's reload has begun. */
      async declareElsewhere(name: string, what: 'queue' | 'exchange' = 'queue') {
        stallNext = true;
        // its NOTIFY starts the other node's (slow) reload
        await (what === 'queue' ? t.broker.declareQueue(name, {}) : t.broker.declareExchange(name, 'fanout'));
        await started;
      },
    };
  }

  it("a node reloads once for its own change (not again for its own NOTIFY), and another node reloads for it", async () => {
    const reads = { a: 0, b: 0 };
    const counting = (n: keyof typeof reads): Db => ({
      ...t.db,
      async query(text, params) {
        if (text.startsWith('SELECT * FROM queues')) reads[n]++;
        return (await t.db.query(text, params)) as never;
      },
    });
    const a = createBroker({ db: counting('a'), node: 'node-a' });
    const b = createBroker({ db: counting('b'), node: 'node-b' });
    await a.start();
    await b.start();
    try {
      const before = { ...reads };
      await a.declareQueue('told', {});
      expect(reads.a - before.a).toBe(1); // the change's own reload, before it answered
      await until('node-b to reload', () => b.exportDefinitions().queues.some((q) => q.name === 'told'));
      await sleep(200); // node-a's own NOTIFY has come back by now
      expect(reads.a - before.a).toBe(1);
      expect(reads.b - before.b).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a publish waits for a reload this node was told about: it routes to a queue another node just declared', async () => {
    const other = await slowNode();
    try {
      await other.declareElsewhere('fresh');
      const published = await other.broker.publish(message('amq.default', 'fresh', 'x', { mandatory: true }));
      expect(published.queues).toEqual(['fresh']);
    } finally {
      await other.broker.stop();
    }
  });

  it('receive, ack and queue info find a queue another node just declared once the pending reload lands', async () => {
    const other = await slowNode();
    try {
      await other.declareElsewhere('fresh2');
      const [info, got] = await Promise.all([other.broker.queueInfo('fresh2'), other.broker.receive('fresh2', { max: 1, waitMs: 0 })]);
      expect(info.name).toBe('fresh2');
      expect(got).toEqual([]);
      await t.broker.publish(message('amq.default', 'fresh2', 'now'));
      const [d] = await other.broker.receive('fresh2', { max: 1, waitMs: 1000 });
      expect(Buffer.from(d!.body).toString()).toBe('now');
      expect(await other.broker.ack('fresh2', [d!.receipt])).toEqual({ acked: 1, stale: [] });
      await expectCode(other.broker.queueInfo('never-declared'), 'queue_not_found');
    } finally {
      await other.broker.stop();
    }
  });

  it("an exchange's log finds an exchange another node just declared once the pending reload lands", async () => {
    const other = await slowNode();
    try {
      await other.declareElsewhere('fresh-events', 'exchange');
      expect(await other.broker.exchangeLog('fresh-events', { after: 0, limit: 10 })).toEqual({ messages: [], nextAfter: 0 });
      await expectCode(other.broker.exchangeLog('never-declared', { after: 0, limit: 10 }), 'exchange_not_found');
    } finally {
      await other.broker.stop();
    }
  });

  it('a slow, older topology reload never overwrites a newer snapshot', async () => {
    // A change reloads after its commit, and its own NOTIFY asks for another reload. Hold back the
    // answer of that second reload (as a descheduled backend would) while the next change lands.
    let readsUntilStall = 0;
    const db: Db = {
      ...t.db,
      async query(text, params) {
        const rows = await t.db.query(text, params);
        if (readsUntilStall > 0 && text.startsWith('SELECT * FROM queues') && --readsUntilStall === 0) await sleep(400);
        return rows as never;
      },
    };
    const broker = createBroker({ db, node: 'slow-reader' });
    await broker.start();
    try {
      readsUntilStall = 2;
      await broker.declareQueue('a', {});
      await broker.declareQueue('b', {});
      await sleep(500); // the held-back reload has answered by now
      expect((await broker.listQueues()).map((q) => q.name)).toEqual(['a', 'a.dlq', 'b', 'b.dlq']);
      expect((await broker.publish(message('amq.default', 'b', 'x'))).queues).toEqual(['b']);
    } finally {
      await broker.stop();
    }
  });

  it('definitions import all or nothing, and leave out the nodes\' own reply queues', async () => {
    const { broker } = t;
    await broker.declareExchange('rpc', 'direct');
    await broker.declareQueue('rpc.requests', {});
    await broker.bind({ exchange: 'rpc', queue: 'rpc.requests', key: 'ask' });
    // a request-reply makes this node's amq.reply.* queue
    await expectCode(broker.request(message('rpc', 'nobody', 'x'), 200), 'unroutable');
    expect((await broker.listQueues()).some((q) => q.name.startsWith('amq.reply.'))).toBe(true);
    const exported = broker.exportDefinitions();
    expect(exported.queues.map((q) => q.name).sort()).toEqual(['rpc.requests', 'rpc.requests.dlq']);
    expect(await broker.importDefinitions(exported)).toEqual({ exchanges: 1, queues: 2, bindings: 1, skipped: [] });
    // an export made before reply queues were left out still imports
    const older = { ...exported, queues: [...exported.queues, { name: 'amq.reply.old-node', settings: exported.queues[0]!.settings }] };
    expect((await broker.importDefinitions(older)).skipped).toEqual(['amq.reply.old-node']);

    const before = broker.exportDefinitions();
    const bad = (doc: Partial<Definitions>) => broker.importDefinitions({ exchanges: [], queues: [], bindings: [], ...doc });
    const fresh = { exchanges: [{ name: 'new-x', type: 'fanout' as const }], queues: [{ name: 'new-q', settings: exported.queues[0]!.settings }] };
    await expectCode(bad({ ...fresh, bindings: [{ exchange: 'new-x', queue: 'ghost', key: '' }] }), 'queue_not_found');
    await expectCode(bad({ ...fresh, exchanges: [...fresh.exchanges, { name: 'rpc', type: 'topic' }] }), 'exchange_type_mismatch');
    await expectCode(bad({ ...fresh, queues: [...fresh.queues, { name: 'bad name', settings: exported.queues[0]!.settings }] }), 'invalid_name');
    // a name given twice in one document is the document's own conflict, not one with what is stored
    const twice = await bad({ exchanges: [{ name: 'dup-x', type: 'direct' }, { name: 'dup-x', type: 'topic' }] }).catch((e: unknown) => e);
    expect(twice).toMatchObject({ code: 'validation_failed', details: { field: 'exchanges.1.name', exchange: 'dup-x' } });
    expect((twice as Error).message).toBe("exchanges[1].name: the document declares exchange 'dup-x' twice (exchanges[0] and exchanges[1]); keep one");
    await expectCode(bad({ queues: [...fresh.queues, { name: 'new-q', settings: { ...exported.queues[0]!.settings, maxDeliveries: 9 } }] }), 'validation_failed');
    expect(sortedDefinitions(broker.exportDefinitions())).toEqual(sortedDefinitions(before)); // nothing of the three was declared
    // items may refer to ones declared earlier in the same document
    await bad({ ...fresh, bindings: [{ exchange: 'new-x', queue: 'new-q', key: '' }] });
    expect((await broker.publish(message('new-x', '', 'x'))).queues).toEqual(['new-q']);
  });

  it('definitions exported from one broker and imported into a fresh one give the same topology', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareExchange('audit', 'fanout');
    await broker.declareExchange('docs', 'headers');
    await broker.declareExchange('dlx', 'direct');
    await broker.declareQueue('inventory', {
      maxDeliveries: 7,
      visibilityTimeoutMs: 1234,
      retry: { initialDelayMs: 50, maxDelayMs: 500, multiplier: 3, jitter: 0 },
      messageTtlMs: 60_000,
      maxLength: 100,
    });
    await broker.declareQueue('cache', { durability: 'memory', deadLetter: false });
    await broker.declareQueue('graveyard', { deadLetter: false });
    await broker.declareQueue('billing', { deadLetter: { exchange: 'dlx', routingKey: 'dead' } });
    await broker.bind({ exchange: 'orders', queue: 'inventory', key: 'order.*' });
    await broker.bind({ exchange: 'orders', queue: 'billing', key: 'order.#' });
    await broker.bind({ exchange: 'audit', queue: 'cache', key: '' });
    await broker.bind({ exchange: 'dlx', queue: 'graveyard', key: 'dead' });
    await broker.bind({ exchange: 'docs', queue: 'billing', key: '', headers: { match: 'any', values: { format: 'pdf', kind: 'invoice' } } });

    const exported = broker.exportDefinitions();
    expect(exported.exchanges.map((e) => e.name).sort()).toEqual(['audit', 'dlx', 'docs', 'orders']);
    expect(exported.queues.map((q) => q.name).sort()).toEqual(['billing', 'cache', 'graveyard', 'inventory', 'inventory.dlq']);
    expect(exported.bindings).toHaveLength(5);

    const fresh = await startTestBroker(driver);
    try {
      // through JSON, as the HTTP API carries it
      const doc = JSON.parse(JSON.stringify(exported)) as Definitions;
      expect(await fresh.broker.importDefinitions(doc)).toEqual({ exchanges: 4, queues: 5, bindings: 5, skipped: [] });
      expect(sortedDefinitions(fresh.broker.exportDefinitions())).toEqual(sortedDefinitions(exported));
      // idempotent
      await fresh.broker.importDefinitions(doc);
      expect(sortedDefinitions(fresh.broker.exportDefinitions())).toEqual(sortedDefinitions(exported));
      // and the imported topology routes as the original did
      const r = await fresh.broker.publish(message('orders', 'order.created', 'x'));
      expect(r.queues).toEqual(['billing', 'inventory']);
      const h = await fresh.broker.publish(message('docs', '', 'x', { headers: { kind: 'invoice' } }));
      expect(h.queues).toEqual(['billing']);
    } finally {
      await fresh.close();
    }
  });
});
