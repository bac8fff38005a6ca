import { describe, expect, it } from 'vitest';
import { LiveFigures, SHARED_NAMES_PER_QUEUE, rateKey, type NodeFigures, type QueueFigures } from './live-figures';
import { ConsumersSeen } from './queue-info';
import { RateMeter } from './rates';
import { Waiters } from './waiters';

/** A node's counters at a fixed time: `now` is one second into a fresh minute. */
function node(now = 1_000_000_000) {
  const consumers = new ConsumersSeen();
  const waiters = new Waiters();
  let at = now - 1000; // counted a second ago, so the rates (which leave out the current second) see it
  const rates = new RateMeter(60, () => at);
  const count = (name: string, n: number) => rates.add(name, n);
  const settle = () => (at = now);
  return { sources: { consumers, waiters, rates }, count, settle };
}

const queue = (f: Partial<QueueFigures>): QueueFigures => ({ names: [], more: 0, waiting: 0, in: 0, out: 0, ack: 0, ...f });

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
    const live = new LiveFigures(n.sources);
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
      { queues: { work: queue({ names: ['worker-1', 'worker-2'], in: 2, out: 1.5, ack: 1.25 }) }, exchanges: { orders: 3 } },
      { queues: { work: queue({ names: ['worker-3'], more: 2, in: 0.5 }), other: queue({ waiting: 4 }) }, exchanges: {} },
    ];
    const live = new LiveFigures(n.sources, () => peers);
    // worker-1, worker-2, worker-3 and two more a peer did not name
    expect(live.queue('work')).toEqual({ consumers: 5, publishRate: 3.5, deliverRate: 1.5, ackRate: 1.25 });
    expect(live.queue('other').consumers).toBe(4);
    expect(live.exchangeRate('orders')).toBe(4);
  });

  it('counts long polls waiting on all nodes as consumers when they outnumber the ones seen receiving', async () => {
    const n = node();
    const stop = new AbortController();
    const waits = [n.sources.waiters.wait('jobs', 60_000, stop.signal), n.sources.waiters.wait('jobs', 60_000, stop.signal)];
    const live = new LiveFigures(n.sources, () => [{ queues: { jobs: queue({ waiting: 3 }) }, exchanges: {} }]);
    expect(live.queue('jobs').consumers).toBe(5);
    expect(live.shared().queues.jobs).toEqual(queue({ waiting: 2 }));
    stop.abort();
    expect(await Promise.all(waits)).toEqual([false, false]);
  });

  it('leaves out what a peer shared that does not parse, and keeps the rest', () => {
    const n = node();
    const peers: unknown[] = [
      null,
      { queues: { work: { names: 'not a list' } }, exchanges: {} },
      { queues: { work: queue({ in: -1 }) }, exchanges: {} },
      { queues: { work: queue({ names: ['w'], in: 1 }) }, exchanges: { x: 1 } },
    ];
    const live = new LiveFigures(n.sources, () => peers);
    expect(live.queue('work')).toEqual({ consumers: 1, publishRate: 1, deliverRate: 0, ackRate: 0 });
  });

  it('shares every queue and exchange with a figure above zero, names capped at SHARED_NAMES_PER_QUEUE', () => {
    const n = node();
    for (let i = 0; i < SHARED_NAMES_PER_QUEUE + 5; i++) n.sources.consumers.seen('busy', `w-${i}`);
    n.count(rateKey.queue('flowing', 'out'), 6);
    n.count(rateKey.queue('name:with:colons', 'ack'), 6);
    n.count(rateKey.exchange('orders'), 6);
    n.count(rateKey.exchange('quiet'), 0);
    n.settle();
    const shared = new LiveFigures(n.sources).shared();
    expect(Object.keys(shared.queues).sort()).toEqual(['busy', 'flowing', 'name:with:colons']);
    expect(shared.queues.busy!.names).toHaveLength(SHARED_NAMES_PER_QUEUE);
    expect(shared.queues.busy!.more).toBe(5);
    expect(shared.queues.flowing).toEqual(queue({ out: 0.1 }));
    expect(shared.queues['name:with:colons']).toEqual(queue({ ack: 0.1 }));
    expect(shared.exchanges).toEqual({ orders: 0.1 });
    // What one node shares reads back the same on another.
    const other = new LiveFigures(node().sources, () => [JSON.parse(JSON.stringify(shared))]);
    expect(other.queue('busy').consumers).toBe(SHARED_NAMES_PER_QUEUE + 5);
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
  it("sums what a node shared: its exchanges' publish rates, its queues' deliver and ack rates and consumers", async () => {
    const { nodeLoad } = await import('./live-figures');
    const shared: NodeFigures = {
      queues: { a: queue({ names: ['w1', 'w2'], out: 1.25, ack: 1 }), b: queue({ names: ['w1'], more: 1, waiting: 5, out: 0.5 }) },
      exchanges: { orders: 2, events: 0.5 },
    };
    expect(nodeLoad(shared)).toEqual({ publishRate: 2.5, deliverRate: 1.75, ackRate: 1, consumers: 7 });
    expect(nodeLoad({})).toBeNull();
    expect(nodeLoad(undefined)).toBeNull();
  });
});
