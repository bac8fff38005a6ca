import { describe, expect, it } from 'vitest';
import { ConsumersSeen } from './consumers-seen';
import { LiveFigures, nodeLoad, SHARED_NAMES_PER_QUEUE, rateKey, type NodeFigures, type QueueFigures } from './live-figures';
import { RateMeter } from './rates';
import { Waiters } from './waiters';

/** A node's counters at a fixed time `now`. */
function node(now = 1_000_000_000) {
  let at = now - 1000; // counted a second ago, so the rates (which leave out the current second) see it
  const clock = () => at;
  const consumers = new ConsumersSeen(clock);
  const waiters = new Waiters();
  const rates = new RateMeter(60, clock);
  const count = (name: string, n: number) => rates.add(name, n);
  const settle = () => (at = now);
  return { sources: { consumers, waiters, rates }, count, settle };
}

const queue = (f: Partial<QueueFigures>): QueueFigures => ({ consumers: [], more: 0, waiting: 0, in: 0, out: 0, ack: 0, ...f });
const named = (...names: string[]) => names.map((name) => ({ name, at: 1_000_000_000, rate: 0 }));
const peer = (node: string, queues: Record<string, QueueFigures>, exchanges: Record<string, number> = {}): NodeFigures => ({ node, queues, exchanges });

describe('LiveFigures', () => {
  it("alone: this node's consumers, waiting polls and rates", () => {
    const n = node();
    n.sources.consumers.seen('work', 'worker-1');
    n.sources.consumers.seen('work', 'worker-2');
    n.count(rateKey.queue('work', 'in'), 120);
    n.count(rateKey.queue('work', 'out'), 60);
    n.count(rateKey.queue('work', 'ack'), 30);
    n.count(rateKey.exchange('orders'), 600);
    n.settle();
    const live = new LiveFigures('n1', n.sources);
    expect(live.queue('work')).toEqual({ consumers: 2, publishRate: 2, deliverRate: 1, ackRate: 0.5 });
    expect(live.exchangeRate('orders')).toBe(10);
    expect(live.queue('idle')).toEqual({ consumers: 0, publishRate: 0, deliverRate: 0, ackRate: 0 });
  });

  it('adds the peers: a consumer name seen by two nodes counts once, rates and waiting polls add up', () => {
    const n = node();
    n.sources.consumers.seen('work', 'worker-1');
    n.count(rateKey.queue('work', 'in'), 60);
    n.count(rateKey.exchange('orders'), 60);
    n.settle();
    const peers: NodeFigures[] = [
      peer('n2', { work: queue({ consumers: named('worker-1', 'worker-2'), in: 2, out: 1.5, ack: 1.25 }) }, { orders: 3 }),
      peer('n3', { work: queue({ consumers: named('worker-3'), more: 2, in: 0.5 }), other: queue({ waiting: 4 }) }),
    ];
    const live = new LiveFigures('n1', n.sources, () => peers);
    // worker-1, worker-2, worker-3 and two more a peer did not name
    expect(live.queue('work')).toEqual({ consumers: 5, publishRate: 3.5, deliverRate: 1.5, ackRate: 1.25 });
    expect(live.queue('other').consumers).toBe(4);
    expect(live.exchangeRate('orders')).toBe(4);
  });

  it("lists a queue's consumers on all nodes: the nodes each received from, deliveries added up, the latest receive", () => {
    const n = node();
    n.sources.consumers.seen('work', 'billing-1', 999_999_000);
    n.sources.consumers.deliveredTo('work', 'billing-1', 60);
    n.settle();
    const peers: NodeFigures[] = [
      peer('n3', { work: queue({ consumers: [{ name: 'billing-1', at: 999_999_500, rate: 2 }, { name: 'slow', at: 999_990_000, rate: 0.05 }], more: 3 }) }),
      peer('n2', { work: queue({ consumers: [{ name: 'billing-1', at: 999_998_000, rate: 1 }] }), other: queue({ consumers: named('x') }) }),
    ];
    const live = new LiveFigures('n1', n.sources, () => peers);
    expect(live.consumers('work')).toEqual({
      consumers: [
        { name: 'billing-1', nodes: ['n1', 'n2', 'n3'], deliverRate: 4, lastSeenAt: new Date(999_999_500).toISOString() },
        { name: 'slow', nodes: ['n3'], deliverRate: 0.05, lastSeenAt: new Date(999_990_000).toISOString() },
      ],
      unlisted: 3,
    });
    expect(live.consumers('idle')).toEqual({ consumers: [], unlisted: 0 });
  });

  it('counts long polls waiting on all nodes as consumers when they outnumber the ones seen receiving', async () => {
    const n = node();
    const stop = new AbortController();
    const waits = [n.sources.waiters.wait('jobs', 60_000, stop.signal), n.sources.waiters.wait('jobs', 60_000, stop.signal)];
    const live = new LiveFigures('n1', n.sources, () => [peer('n2', { jobs: queue({ waiting: 3 }) })]);
    expect(live.queue('jobs').consumers).toBe(5);
    expect(live.shared().queues.jobs).toEqual(queue({ waiting: 2 }));
    stop.abort();
    expect(await Promise.all(waits)).toEqual([false, false]);
  });

  it('leaves out what a peer shared that does not parse, and keeps the rest', () => {
    const n = node();
    const peers: unknown[] = [
      null,
      { node: 'n2', queues: { work: { consumers: 'not a list' } }, exchanges: {} },
      peer('n3', { work: queue({ in: -1 }) }),
      { queues: { work: queue({ in: 5 }) }, exchanges: {} }, // no node
      peer('n4', { work: queue({ consumers: named('w'), in: 1 }) }, { x: 1 }),
    ];
    const live = new LiveFigures('n1', n.sources, () => peers);
    expect(live.queue('work')).toEqual({ consumers: 1, publishRate: 1, deliverRate: 0, ackRate: 0 });
  });

  it('shares every queue and exchange with a figure above zero, consumers listed up to SHARED_NAMES_PER_QUEUE', () => {
    const n = node();
    for (let i = 0; i < SHARED_NAMES_PER_QUEUE + 5; i++) n.sources.consumers.seen('busy', `w-${String(i).padStart(4, '0')}`);
    n.count(rateKey.queue('flowing', 'out'), 6);
    n.count(rateKey.queue('name:with:colons', 'ack'), 6);
    n.count(rateKey.exchange('orders'), 6);
    n.count(rateKey.exchange('quiet'), 0);
    n.settle();
    const live = new LiveFigures('n1', n.sources);
    const shared = live.shared();
    expect(shared.node).toBe('n1');
    expect(Object.keys(shared.queues).sort()).toEqual(['busy', 'flowing', 'name:with:colons']);
    expect(shared.queues.busy!.consumers).toHaveLength(SHARED_NAMES_PER_QUEUE);
    expect(shared.queues.busy!.more).toBe(5);
    expect(shared.queues.flowing).toEqual(queue({ out: 0.1 }));
    expect(shared.queues['name:with:colons']).toEqual(queue({ ack: 0.1 }));
    expect(shared.exchanges).toEqual({ orders: 0.1 });
    // This node's own list is not capped.
    expect(live.consumers('busy')).toMatchObject({ unlisted: 0 });
    expect(live.consumers('busy').consumers).toHaveLength(SHARED_NAMES_PER_QUEUE + 5);
    // What one node shares reads back the same on another.
    const other = new LiveFigures('n2', node().sources, () => [JSON.parse(JSON.stringify(shared))]);
    expect(other.queue('busy').consumers).toBe(SHARED_NAMES_PER_QUEUE + 5);
    expect(other.consumers('busy')).toMatchObject({ unlisted: 5 });
    expect(other.exchangeRate('orders')).toBe(0.1);
  });
});

describe('RateMeter.names', () => {
  it('lists the names counted within the window and forgets the others', () => {
    let at = 0;
    const rates = new RateMeter(60, () => at);
    rates.add('old');
    at = 30_000;
    rates.add('recent');
    expect(rates.names().sort()).toEqual(['old', 'recent']);
    at = 61_000;
    expect(rates.names()).toEqual(['recent']);
    expect(rates.rate('old')).toBe(0);
  });
});

describe('nodeLoad', () => {
  it("sums what a node shared: its exchanges' publish rates, its queues' deliver and ack rates and consumers", () => {
    const shared = peer(
      'n1',
      { a: queue({ consumers: named('w1', 'w2'), out: 1.25, ack: 1 }), b: queue({ consumers: named('w1'), more: 1, waiting: 5, out: 0.5 }) },
      { orders: 2, events: 0.5 },
    );
    expect(nodeLoad(shared)).toEqual({ publishRate: 2.5, deliverRate: 1.75, ackRate: 1, consumers: 7 });
    expect(nodeLoad({})).toBeNull();
    expect(nodeLoad(undefined)).toBeNull();
  });
});
