import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, watchQueries, type TestBroker } from '../../test/broker';
import { depth, drain, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { Handoff } from './handoff';
import type { Broker } from './api';
import { createBroker } from './broker';

const msg = (id: string) => ({
  id,
  exchange: 'x',
  routingKey: 'k',
  headers: {},
  contentType: 'text/plain',
  body: new TextEncoder().encode(id),
  correlationId: `c-${id}`,
  replyTo: null,
  traceparent: null,
  tracestate: null,
  persistent: true,
});

let leaseNo = 0;
const newLease = () => `lease-${++leaseNo}`;

describe('Handoff', () => {
  it('leases a flush entries to the oldest waiting tickets, each up to its max, and leaves the rest ready', async () => {
    const h = new Handoff();
    const first = h.offer('q', 2, 30_000);
    const second = h.offer('q', 1, 5_000);
    const third = h.offer('q', 5, 30_000);
    let woken = 0;
    first.wake = () => woken++;
    second.wake = () => woken++;
    third.wake = () => woken++;

    const batch = h.batch();
    const leases = ['a', 'b', 'c', 'd'].map((id) => batch.lease('q', msg(id), newLease));
    expect(leases.map((l) => l?.visibilityMs)).toEqual([30_000, 30_000, 5_000, 30_000]);
    expect(woken).toBe(3); // every ticket the flush took stops waiting
    expect(h.waitingOn('q')).toBe(0);

    const at = new Date('2026-11-29T00:00:00Z');
    batch.committed(
      leases.map((l, i) => ({ id: 10 + i, lease: l!.lease })),
      at,
    );
    const [a, b, c] = await Promise.all([h.settle(first), h.settle(second), h.settle(third)]);
    expect(a.map((d) => str(d.body))).toEqual(['a', 'b']);
    expect(b.map((d) => str(d.body))).toEqual(['c']);
    expect(c.map((d) => str(d.body))).toEqual(['d']);
    expect(a[0]).toMatchObject({ queue: 'q', attempt: 1, death: null, publishedAt: at, receipt: `10.${leases[0]!.lease}` });
    // A delivery carries the message, not the publisher's routing bookkeeping.
    expect(Object.keys(a[0]!).sort()).toEqual(
      ['attempt', 'body', 'contentType', 'correlationId', 'death', 'exchange', 'headers', 'id', 'persistent', 'publishedAt', 'queue', 'receipt', 'replyTo', 'routingKey', 'traceparent', 'tracestate'].sort(),
    );
  });

  it('with no ticket waiting an entry stays ready, and only fully leased queues skip the wake-up', () => {
    const h = new Handoff();
    h.offer('busy', 1, 1000);
    const batch = h.batch();
    expect(batch.lease('idle', msg('a'), newLease)).toBeUndefined();
    expect(batch.lease('busy', msg('b'), newLease)).toBeDefined();
    expect(batch.allLeased()).toEqual(new Set(['busy']));
    expect(batch.lease('busy', msg('c'), newLease)).toBeUndefined();
    batch.unleased('other');
    expect(batch.allLeased()).toEqual(new Set());
  });

  it('a withdrawn ticket gets nothing and is not offered again; a failed flush answers its tickets empty', async () => {
    const h = new Handoff();
    const gone = h.offer('q', 10, 1000);
    expect(await h.settle(gone)).toEqual([]);
    expect(h.waitingOn('q')).toBe(0);
    expect(h.batch().lease('q', msg('a'), newLease)).toBeUndefined();

    const t = h.offer('q', 10, 1000);
    const batch = h.batch();
    batch.lease('q', msg('b'), newLease);
    batch.failed();
    expect(await h.settle(t)).toEqual([]);
  });
});

describe.each(drivers)('handoff to waiting long polls on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const pollWaiting = (broker: Broker, queue: string, n = 1) => waitFor(async () => (await broker.queueInfo(queue)).consumers >= n);
  const deliveredAt = async (broker: Broker, correlationId: string) => {
    const trace = await broker.trace(correlationId);
    return trace.events.filter((e) => e.type === 'delivered').map((e) => new Date(e.at).getTime());
  };

  it('a poll waiting on an empty queue gets the next publish in its commit, and the lease acks', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const poll = broker.receive('work', { max: 10, waitMs: 5000 });
    await pollWaiting(broker, 'work');
    const [published] = await broker.publishBatch([message('amq.default', 'work', 'hello')]);
    const got = await poll;
    expect(got.map((d) => [d.id, str(d.body), d.attempt])).toEqual([[published!.id, 'hello', 1]]);
    // Handed off in the publish's own transaction: delivered at the same instant it was published.
    expect(await deliveredAt(broker, got[0]!.correlationId)).toEqual([got[0]!.publishedAt.getTime()]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    expect(await broker.ack('work', [got[0]!.receipt])).toMatchObject({ acked: 1 });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('a waiting poll takes at most its max; the rest of the flush stays ready, each message once', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const poll = broker.receive('work', { max: 2, waitMs: 5000, visibilityMs: 60_000 });
    await pollWaiting(broker, 'work');
    const published = await broker.publishBatch(['a', 'b', 'c', 'd', 'e'].map((b) => message('amq.default', 'work', b)));
    const got = await poll;
    expect(got.map((d) => str(d.body))).toEqual(['a', 'b']);
    expect(await deliveredAt(broker, got[0]!.correlationId)).toEqual([got[0]!.publishedAt.getTime()]);
    const rest = await drain(broker, 'work');
    expect(rest.map((d) => str(d.body))).toEqual(['c', 'd', 'e']);
    expect([...got, ...rest].map((d) => d.id)).toEqual(published.map((p) => p.id));
  });

  it('a delayed message is not handed to a waiting poll before it is due', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const poll = broker.receive('work', { max: 10, waitMs: 400 });
    await pollWaiting(broker, 'work');
    await broker.publishBatch([message('amq.default', 'work', 'later', { delayMs: 60_000 })]);
    expect(await poll).toEqual([]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 1 });
  });

  it('a poll that was abandoned before the publish takes no lease', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const asker = new AbortController();
    const poll = broker.receive('work', { max: 10, waitMs: 5000, signal: asker.signal });
    await pollWaiting(broker, 'work');
    asker.abort();
    expect(await poll).toEqual([]);
    await broker.publishBatch([message('amq.default', 'work', 'kept')]);
    expect(await depth(broker, 'work')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    const [d] = await drain(broker, 'work');
    expect([str(d!.body), d!.attempt]).toEqual(['kept', 1]);
  });

  it('a fanout publish hands each queue its own lease', async () => {
    const { broker } = t;
    await broker.declareExchange('events', 'fanout');
    for (const q of ['audit', 'mail']) {
      await broker.declareQueue(q, {});
      await broker.bind({ exchange: 'events', queue: q, key: '' });
    }
    const polls = ['audit', 'mail'].map((q) => broker.receive(q, { max: 10, waitMs: 5000 }));
    await pollWaiting(broker, 'audit');
    await pollWaiting(broker, 'mail');
    const [published] = await broker.publishBatch([message('events', '', 'both')]);
    const [audit, mail] = await Promise.all(polls);
    expect([audit!.map((d) => d.id), mail!.map((d) => d.id)]).toEqual([[published!.id], [published!.id]]);
    expect(audit![0]!.receipt).not.toEqual(mail![0]!.receipt);
    // Both deliveries were made in the publish's own commit.
    expect(await deliveredAt(broker, published!.correlationId)).toEqual([audit![0]!.publishedAt.getTime(), audit![0]!.publishedAt.getTime()]);
    expect(await broker.ack('audit', [audit![0]!.receipt])).toMatchObject({ acked: 1 });
    expect(await depth(broker, 'mail')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
  });

  it('a publish whose every entry went to waiting polls wakes no other poll on that queue', async () => {
    // A second broker on the same database, whose claim statements are counted.
    let claims = 0;
    const counting = watchQueries(t.db, (sql) => {
      if (sql.includes('hatoba_claimable')) claims++;
    });
    const broker = createBroker({ db: counting, node: 'counting-node', recheckMs: 60_000, sweepIntervalMs: 60_000 });
    await broker.start();
    try {
      await broker.declareQueue('work', {});
      const first = broker.receive('work', { max: 1, waitMs: 5000 });
      await pollWaiting(broker, 'work', 1);
      const second = broker.receive('work', { max: 1, waitMs: 5000 });
      await pollWaiting(broker, 'work', 2);
      const before = claims;
      await broker.publishBatch([message('amq.default', 'work', 'one')]);
      expect((await first).map((d) => str(d.body))).toEqual(['one']);
      await broker.publishBatch([message('amq.default', 'work', 'two')]);
      expect((await second).map((d) => str(d.body))).toEqual(['two']);
      // Woken by the first publish, the second poll would have claimed (and found nothing)
      // before it could wait with a new ticket: no claim ran at all.
      expect(claims).toBe(before);
    } finally {
      await broker.stop();
    }
  });

  it('a flush that fails answers its waiting poll empty; the poll looks again and takes the next publish', async () => {
    const { broker, db } = t;
    await broker.declareQueue('work', {});
    await db.query(
      `CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.headers ? 'refuse' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`,
    );
    await db.query(`CREATE TRIGGER refuse_marked BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_marked()`);
    const poll = broker.receive('work', { max: 10, waitMs: 5000 });
    await pollWaiting(broker, 'work');
    await expect(broker.publishBatch([message('amq.default', 'work', 'refused', { headers: { refuse: 'yes' } })])).rejects.toThrow();
    await pollWaiting(broker, 'work'); // waiting again, with a new ticket
    const [kept] = await broker.publishBatch([message('amq.default', 'work', 'kept')]);
    expect((await poll).map((d) => [d.id, str(d.body)])).toEqual([[kept!.id, 'kept']]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
  });

  it('leases handed to a poll whose asker left while the flush was in flight go back at once, attempt not spent', async () => {
    const asker = new AbortController();
    // The asker leaves as the publish flush is sent: after it took the poll's ticket, before it commits.
    const watched = watchQueries(t.db, (sql) => {
      if (sql.includes('INSERT INTO messages')) asker.abort();
    });
    const broker = createBroker({ db: watched, node: 'watched-node', recheckMs: 60_000, sweepIntervalMs: 60_000 });
    await broker.start();
    try {
      await broker.declareQueue('work', {});
      const poll = broker.receive('work', { max: 10, waitMs: 5000, signal: asker.signal });
      await pollWaiting(broker, 'work');
      const [published] = await broker.publishBatch([message('amq.default', 'work', 'back')]);
      expect(await poll).toEqual([]);
      expect(await depth(broker, 'work')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
      const trace = await broker.trace(published!.correlationId);
      expect(trace.events.filter((e) => e.queue === 'work').map((e) => [e.type, e.attempt])).toEqual([
        ['delivered', 1],
        ['released', 1],
      ]);
      const [again] = await drain(broker, 'work');
      expect([again!.id, again!.attempt]).toEqual([published!.id, 1]);
    } finally {
      await broker.stop();
    }
  });
});
