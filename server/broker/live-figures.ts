import { z } from 'zod';
import type { RateMeter } from './rates';
import type { ConsumersSeen } from './queue-info';
import type { Waiters } from './waiters';

/**
 * A queue's and an exchange's live figures (consumers, rates) for the whole cluster. Each node
 * counts what it sees (receives, long polls, publishes, deliveries, acks); it shares that with
 * every heartbeat (`nodes.live`, written by server/cluster), and a node answers with its own
 * figures now plus the other live nodes' as of their last heartbeat (2 s by default).
 */

/** Most consumer names one node shares per queue; beyond that only how many more. */
export const SHARED_NAMES_PER_QUEUE = 1000;

const rate = z.number().finite().nonnegative();
const queueFiguresSchema = z.object({
  /** Consumers seen lately (named by `Hatoba-Consumer`, else one per connection), so a name seen by two nodes counts once. */
  names: z.array(z.string()).max(SHARED_NAMES_PER_QUEUE),
  more: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  in: rate,
  out: rate,
  ack: rate,
});
const nodeFiguresSchema = z.object({
  queues: z.record(z.string(), queueFiguresSchema),
  exchanges: z.record(z.string(), rate),
});

export type QueueFigures = z.infer<typeof queueFiguresSchema>;
export type NodeFigures = z.infer<typeof nodeFiguresSchema>;

/** What a queue's listing shows of its live figures. */
export interface QueueLive {
  consumers: number;
  publishRate: number;
  deliverRate: number;
  ackRate: number;
}

/** What one node is doing, for the Nodes page and GET /v1/nodes: its figures summed over queues and exchanges. */
export interface NodeLoad {
  /** Messages published through this node, per second over the last minute. */
  publishRate: number;
  deliverRate: number;
  ackRate: number;
  /** Its consumers, counted per queue (one receiving from two queues counts twice). */
  consumers: number;
}

/** The load in what a node shared (`liveFigures`); null when that does not parse. */
export function nodeLoad(shared: unknown): NodeLoad | null {
  const parsed = nodeFiguresSchema.safeParse(shared);
  if (!parsed.success) return null;
  const load = { publishRate: 0, deliverRate: 0, ackRate: 0, consumers: 0 };
  for (const r of Object.values(parsed.data.exchanges)) load.publishRate += r;
  for (const q of Object.values(parsed.data.queues)) {
    load.deliverRate += q.out;
    load.ackRate += q.ack;
    load.consumers += Math.max(q.names.length + q.more, q.waiting);
  }
  return { ...load, publishRate: round(load.publishRate), deliverRate: round(load.deliverRate), ackRate: round(load.ackRate) };
}

/** This node's counters. */
export interface LiveSources {
  consumers: Pick<ConsumersSeen, 'activeKeys' | 'queues'>;
  waiters: Pick<Waiters, 'count' | 'queues'>;
  rates: Pick<RateMeter, 'rate' | 'names'>;
}

/** The RateMeter names of a queue's and an exchange's rates. */
export const rateKey = {
  queue: (queue: string, what: 'in' | 'out' | 'ack') => `q:${queue}:${what}`,
  exchange: (exchange: string) => `x:${exchange}`,
};
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The live figures of one node, on its own counters and its peers' (each the `live` a peer
 * shared; one that does not parse, say from a node of another version, is left out).
 */
export class LiveFigures {
  private parsedFrom: readonly unknown[] | undefined;
  private parsed: NodeFigures[] = [];

  constructor(
    private readonly local: LiveSources,
    private readonly peers: () => readonly unknown[] = () => [],
  ) {}

  queue(name: string): QueueLive {
    const own = this.ownQueue(name);
    const names = new Set(own.names);
    let { more, waiting, in: published, out, ack } = own;
    for (const peer of this.peerFigures()) {
      const f = peer.queues[name];
      if (!f) continue;
      for (const n of f.names) names.add(n);
      more += f.more;
      waiting += f.waiting;
      published += f.in;
      out += f.out;
      ack += f.ack;
    }
    // A long poll waiting now is a consumer even before its first delivery.
    return { consumers: Math.max(names.size + more, waiting), publishRate: round(published), deliverRate: round(out), ackRate: round(ack) };
  }

  exchangeRate(name: string): number {
    let total = this.local.rates.rate(rateKey.exchange(name));
    for (const peer of this.peerFigures()) total += peer.exchanges[name] ?? 0;
    return round(total);
  }

  /** What this node shares with the others: every queue and exchange with a figure above zero. */
  shared(): NodeFigures {
    const queues: Record<string, QueueFigures> = {};
    const exchanges: Record<string, number> = {};
    const queueNames = new Set([...this.local.consumers.queues(), ...this.local.waiters.queues()]);
    for (const key of this.local.rates.names()) {
      const m = /^q:(.*):(?:in|out|ack)$/s.exec(key);
      if (m) queueNames.add(m[1]!);
      else if (key.startsWith('x:')) {
        const r = this.local.rates.rate(key);
        if (r > 0) exchanges[key.slice(2)] = r;
      }
    }
    for (const name of queueNames) {
      const f = this.ownQueue(name);
      if (f.names.length + f.more + f.waiting + f.in + f.out + f.ack > 0) queues[name] = f;
    }
    return { queues, exchanges };
  }

  private ownQueue(name: string): QueueFigures {
    const names = this.local.consumers.activeKeys(name);
    return {
      names: names.slice(0, SHARED_NAMES_PER_QUEUE),
      more: Math.max(0, names.length - SHARED_NAMES_PER_QUEUE),
      waiting: this.local.waiters.count(name),
      in: this.local.rates.rate(rateKey.queue(name, 'in')),
      out: this.local.rates.rate(rateKey.queue(name, 'out')),
      ack: this.local.rates.rate(rateKey.queue(name, 'ack')),
    };
  }

  /** The peers' figures, parsed once per heartbeat (the cluster hands a new array each time). */
  private peerFigures(): NodeFigures[] {
    const raw = this.peers();
    if (raw !== this.parsedFrom) {
      this.parsedFrom = raw;
      this.parsed = raw.flatMap((r) => {
        const p = nodeFiguresSchema.safeParse(r);
        return p.success ? [p.data] : [];
      });
    }
    return this.parsed;
  }
}
