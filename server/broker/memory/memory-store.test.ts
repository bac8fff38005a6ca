import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../event-sink';
import { parseReceipt, type Receipt } from '../receipts';
import type { TopologySnapshot } from '../route';
import type { Queue, QueueSettings, StoredMessage } from '../types';
import { silent } from '../../../test/silent-logger';
import { MemoryStore } from './memory-store';

/** A memory store on a clock the test moves, with queue `q` and its `q.dlq`. */
function setup(settings: Partial<QueueSettings> = {}) {
  let now = 1_000_000;
  const events: LifecycleEvent[] = [];
  const store = new MemoryStore({ events: { record: (e) => events.push(...e) }, now: () => now, onReady: () => {}, log: silent });
  const base: QueueSettings = {
    durability: 'memory',
    maxDeliveries: 5,
    visibilityTimeoutMs: 30_000,
    retry: { initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60_000, jitter: 0 },
    deadLetter: {},
    messageTtlMs: null,
    maxLength: null,
  };
  const q: Queue = { name: 'q', settings: { ...base, ...settings } };
  const dlq: Queue = { name: 'q.dlq', settings: { ...base, deadLetter: false } };
  const topology: TopologySnapshot = { exchanges: new Map(), queues: new Map([q, dlq].map((x) => [x.name, x])), bindingsByExchange: new Map() };
  let n = 0;
  const publish = (body: string, delayMs = 0) => {
    const m: StoredMessage = {
      id: `m${++n}`,
      exchange: '',
      routingKey: 'q',
      headers: {},
      contentType: 'text/plain',
      body: new TextEncoder().encode(body),
      correlationId: `c${n}`,
      replyTo: null,
      traceparent: null,
      tracestate: null,
      persistent: false,
      publishedAt: new Date(now),
    };
    store.enqueue(q, m, delayMs, topology);
    return m.id;
  };
  const bodies = (queue: Queue, max = 1000, visibilityMs = 30_000) =>
    store.claim(queue, max, visibilityMs).map((d) => new TextDecoder().decode(d.body));
  return { store, q, dlq, topology, events, publish, bodies, tick: (ms: number) => (now += ms) };
}

describe('memory store', () => {
  it('counts depth without walking the queue, and agrees with a count of every entry through leases, nacks, delays and sweeps', () => {
    const { store, q, dlq, publish, tick, topology } = setup({ maxDeliveries: 3, messageTtlMs: 20_000, retry: { initialDelayMs: 700, multiplier: 2, maxDelayMs: 5000, jitter: 0 } });
    let seed = 42;
    const random = (n: number) => {
      // mulberry32: a seeded sequence, so a failure repeats
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const publishedAt = new Map<string, number>();
    let clock = 0;
    const held: Receipt[] = [];
    const counted = (name: string) => {
      const entries = store.browse(name, 1_000_000);
      const ready = entries.filter((e) => e.state === 'ready');
      const ages = ready.map((e) => clock - publishedAt.get(e.id)!);
      return {
        ready: ready.length,
        inFlight: entries.filter((e) => e.state === 'in_flight').length,
        delayed: entries.filter((e) => e.state === 'delayed').length,
        oldestReadyAgeMs: ages.length ? Math.max(...ages) : null,
      };
    };
    const most = { ready: 0, inFlight: 0, delayed: 0 };
    for (let step = 0; step < 2000; step++) {
      const op = random(10);
      if (op < 3) publishedAt.set(publish('m', [0, 0, 0, 300, 2000][random(5)]!), clock);
      else if (op < 5) held.push(...store.claim(q, 1 + random(4), [500, 3000][random(2)]!).map((d) => parseReceipt(d.receipt)!));
      else if (op === 5 && held.length) store.ack('q', held.splice(random(held.length), 1));
      else if (op === 6 && held.length) store.nack(q, held.splice(random(held.length), 1), { requeue: random(4) > 0 }, topology);
      else if (op === 7 && held.length) store.extend('q', [held[random(held.length)]!], 1000 + random(3000));
      else if (op === 8) store.sweep(topology);
      else {
        const ms = random(400);
        tick(ms);
        clock += ms;
      }
      // Not after every step: depth() itself tidies, and entries must also change state between looks.
      if (random(4) > 0) continue;
      const depth = store.depth('q');
      expect(depth, `step ${step}`).toEqual(counted('q'));
      for (const k of ['ready', 'inFlight', 'delayed'] as const) most[k] = Math.max(most[k], depth[k]);
    }
    // The run went through every state, and the sweep dead-lettered spent leases and expired messages.
    expect(Math.min(most.ready, most.inFlight, most.delayed)).toBeGreaterThan(0);
    expect(store.depth(dlq.name).ready + store.depth(dlq.name).inFlight).toBeGreaterThan(0);
  });

  it('claims the earliest visible first, then in publish order, as the durable claim does', () => {
    const { store, q, publish, bodies, tick } = setup();
    publish('late', 500);
    publish('a');
    publish('soon', 100);
    publish('b');
    expect(store.nextVisibleMs('q')).toBe(0);
    expect(bodies(q)).toEqual(['a', 'b']);
    expect(store.nextVisibleMs('q')).toBe(100);
    tick(600);
    publish('c');
    expect(bodies(q)).toEqual(['soon', 'late', 'c']);
    expect(store.nextVisibleMs('q')).toBe(29_400); // a and b's leases run out next
  });

  it('gives an expired lease back in the order of its visibility, and a nacked entry after its delay', () => {
    const { store, q, publish, bodies, tick } = setup();
    publish('x');
    publish('y');
    const [x, y] = store.claim(q, 2, 1000);
    tick(500);
    publish('z');
    tick(600); // x and y's leases ran out at +1000; z has been visible since +500
    expect(bodies(q, 10, 1000)).toEqual(['z', 'x', 'y']);
    tick(1001);
    const again = store.claim(q, 1, 1000)[0]!;
    expect(again.attempt).toBe(3);
    expect(store.nack(q, [parseReceipt(again.receipt)], { delayMs: 200 }, setup().topology).size).toBe(1);
    expect(store.ack('q', [parseReceipt(x!.receipt), parseReceipt(y!.receipt)]).size).toBe(0); // stale receipts
    expect(bodies(q, 10, 1000)).toEqual(['y', 'z']); // their leases ran out together: publish order
    expect(store.nextVisibleMs('q')).toBe(200); // x, nacked with a delay
  });

  it('keeps max length by dropping the oldest entries not under a lease, into the dead-letter queue', () => {
    const { store, q, dlq, publish, bodies } = setup({ maxLength: 3 });
    publish('1');
    publish('2');
    const held = store.claim(q, 1, 30_000); // '1' is leased: max length counts only the others
    expect(held.map((d) => d.id)).toEqual(['m1']);
    for (const b of ['3', '4', '5']) publish(b);
    expect(store.size).toBe(5); // 1 leased + 3 kept + 1 dead letter
    expect(bodies(q)).toEqual(['3', '4', '5']);
    expect(bodies(dlq)).toEqual(['2']);
  });

  it('counts body bytes once per entry through every way out: dead-lettering, discard, replay, an edited replay, expiry', () => {
    const { store, q, dlq, topology, publish, tick } = setup({ maxDeliveries: 1, messageTtlMs: 10_000 });
    const a = publish('aaaa');
    publish('bb');
    publish('c');
    expect([store.size, store.bytes]).toEqual([3, 7]);
    const nackFirst = () => {
      const [d] = store.claim(q, 1, 30_000);
      store.nack(q, [parseReceipt(d!.receipt)], {}, topology); // the last allowed delivery: to q.dlq
    };
    nackFirst();
    expect([store.size, store.bytes]).toEqual([3, 7]); // moved to the DLQ, still held once
    expect(store.discard('q.dlq', [a])).toBe(1);
    expect([store.size, store.bytes]).toEqual([2, 3]);
    nackFirst(); // 'bb' to the DLQ
    expect(store.replay('q.dlq', { all: true }, topology).replayed).toBe(1);
    expect([store.size, store.bytes]).toEqual([2, 3]); // back in q, held once
    expect(store.depth('q.dlq').ready).toBe(0);
    tick(5000);
    nackFirst(); // 'c' to the DLQ (the replayed 'bb' is behind it)
    expect(store.replay('q.dlq', { all: true, edit: { body: new TextEncoder().encode('edited body') } }, topology).replayed).toBe(1);
    expect([store.size, store.bytes]).toEqual([2, 2 + 11]); // the replaced body is counted, the old one freed
    tick(5001); // the replayed 'bb' was enqueued 10,001 ms ago, the edited copy 5,001 ms ago
    store.sweep({ ...topology, queues: new Map([[q.name, { ...q, settings: { ...q.settings, deadLetter: false } }], [dlq.name, dlq]]) });
    expect([store.size, store.bytes]).toEqual([1, 11]); // 'bb' expired and was dropped; the edited copy is younger
  });

  it('keeps the newest entries of a queue far past its max length, and counts them exactly', () => {
    const { store, q, dlq, publish, bodies } = setup({ maxLength: 1000, deadLetter: false });
    for (let i = 0; i < 50_000; i++) publish(String(i));
    expect(store.size).toBe(1000);
    expect(store.bytes).toBe(5 * 1000); // '49000'…'49999'
    const kept = bodies(q, 1000);
    expect(kept[0]).toBe('49000');
    expect(kept.at(-1)).toBe('49999');
    expect(bodies(dlq)).toEqual([]);
  });

  it('sets spent leases and expired messages aside at once, delivers what is behind them, and the sweep dead-letters them', () => {
    const { store, q, dlq, events, publish, bodies, tick, topology } = setup({ maxDeliveries: 1, messageTtlMs: 10_000 });
    publish('spent');
    expect(bodies(q, 1, 1000)).toEqual(['spent']);
    tick(1000);
    publish('old');
    tick(9000); // 'old' was published 9 s ago, 'spent' 10 s ago: its TTL has run out too, but its spent lease comes first
    publish('fresh');
    tick(1000); // now 'old' has expired as well
    expect(bodies(q)).toEqual(['fresh']);
    expect(store.depth('q')).toEqual({ ready: 2, inFlight: 1, delayed: 0, oldestReadyAgeMs: 11_000 });
    store.sweep(topology);
    const dead = store.claim(dlq, 10, 1000);
    expect(dead.map((d) => [new TextDecoder().decode(d.body), d.death?.reason])).toEqual([
      ['spent', 'max_deliveries'],
      ['old', 'expired'],
    ]);
    expect(events.filter((e) => e.type === 'lease_expired').map((e) => e.messageId)).toEqual(['m1']);
    expect(store.size).toBe(3); // 'fresh' in flight, two dead letters in flight
  });
});
