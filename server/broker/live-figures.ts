import { z } from 'zod';
import type { ConsumersSeen } from './consumers-seen';
import type { RateMeter } from './rates';
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
  /**
   * Consumers seen lately (named by `Hatoba-Consumer`, else one per connection), so a name seen
   * by two nodes counts once: its last receive (epoch ms) and its deliveries per second.
   */
  consumers: z.array(z.object({ name: z.string(), at: z.number().finite(), rate })).max(SHARED_NAMES_PER_QUEUE),
  more: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  in: rate,
  out: rate,
  ack: rate,
});
const nodeFiguresSchema = z.object({
  node: z.string(),
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
    load.consumers += Math.max(q.consumers.length + q.more, q.waiting);
  }
  return { ...load, publishRate: round(load.publishRate), deliverRate: round(load.deliverRate), ackRate: round(load.ackRate) };
}

/** A queue's consumers on all live nodes (GET /v1/queues/{name}/consumers, the queue page). */
export const queueConsumersSchema = z.object({
  consumers: z.array(
    z.object({
      name: z.string(),
      /** The nodes it received from in the last 30 s. */
      nodes: z.array(z.string()),
      /** Messages delivered to it per second over the last minute, on all of them. */
      deliverRate: z.number(),
      lastSeenAt: z.string(),
    }),
  ),
  /** Consumers beyond the 1,000 names a node lists per queue: counted, not named. */
  unlisted: z.number().int(),
});
export type QueueConsumers = z.infer<typeof queueConsumersSchema>;
/** One consumer of a queue on all the nodes it received from. */
export type ConsumerView = QueueConsumers['consumers'][number];

/** This node's counters. */
export interface LiveSources {
  consumers: Pick<ConsumersSeen, 'active' | 'queues'>;
  waiters: Pick<Waiters, 'count' | 'queues'>;
  rates: Pick<RateMeter, 'perSecond' | 'names'>;
}

/** The RateMeter names of a queue's and an exchange's rates, and the way back from a name. */
export const rateKey = {
  queue: (queue: string, what: 'in' | 'out' | 'ack') => `q:${queue}:${what}`,
  exchange: (exchange: string) => `x:${exchange}`,
  parse(key: string): { queue: string } | { exchange: string } | undefined {
    const q = /^q:(.*):(?:in|out|ack)$/s.exec(key);
    if (q) return { queue: q[1]! };
    return key.startsWith('x:') ? { exchange: key.slice(2) } : undefined;
  },
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
    private readonly node: string,
    private readonly local: LiveSources,
    private readonly peers: () => readonly unknown[] = () => [],
  ) {}

  queue(name: string): QueueLive {
    const m = this.merged(name);
    // A long poll waiting now is a consumer even before its first delivery.
    return { consumers: Math.max(m.byName.size + m.more, m.waiting), publishRate: round(m.in), deliverRate: round(m.out), ackRate: round(m.ack) };
  }

  /**
   * A queue's consumers on all live nodes, by name; `unlisted` counts those a node had past
   * SHARED_NAMES_PER_QUEUE, which it shares as a number only.
   */
  consumers(queue: string): QueueConsumers {
    const m = this.merged(queue);
    const consumers = [...m.byName]
      .map(([name, c]) => ({ name, nodes: [...c.nodes].sort(), deliverRate: round(c.rate), lastSeenAt: new Date(c.at).toISOString() }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { consumers, unlisted: m.more };
  }

  /** This node's figures of a queue (its consumers all listed) and the peers', added up; each consumer once, by name. */
  private merged(queue: string) {
    const byName = new Map<string, { nodes: Set<string>; rate: number; at: number }>();
    const total = { byName, more: 0, waiting: 0, in: 0, out: 0, ack: 0 };
    const figures: [string, QueueFigures | undefined][] = [[this.node, this.ownQueue(queue, Infinity)]];
    for (const peer of this.peerFigures()) figures.push([peer.node, peer.queues[queue]]);
    for (const [node, f] of figures) {
      if (!f) continue;
      total.more += f.more;
      total.waiting += f.waiting;
      total.in += f.in;
      total.out += f.out;
      total.ack += f.ack;
      for (const c of f.consumers) {
        const seen = byName.get(c.name) ?? { nodes: new Set<string>(), rate: 0, at: 0 };
        seen.nodes.add(node);
        seen.rate += c.rate;
        seen.at = Math.max(seen.at, c.at);
        byName.set(c.name, seen);
      }
    }
    return total;
  }

  exchangeRate(name: string): number {
    let total = this.local.rates.perSecond(rateKey.exchange(name));
    for (const peer of this.peerFigures()) total += peer.exchanges[name] ?? 0;
    return round(total);
  }

  /** What this node shares with the others: every queue and exchange with a figure above zero. */
  shared(): NodeFigures {
    const queues: Record<string, QueueFigures> = {};
    const exchanges: Record<string, number> = {};
    const queueNames = new Set([...this.local.consumers.queues(), ...this.local.waiters.queues()]);
    for (const key of this.local.rates.names()) {
      const of = rateKey.parse(key);
      if (of && 'queue' in of) queueNames.add(of.queue);
      else if (of) {
        const r = this.local.rates.perSecond(key);
        if (r > 0) exchanges[of.exchange] = r;
      }
    }
    for (const name of queueNames) {
      const f = this.ownQueue(name);
      if (f.consumers.length + f.more + f.waiting + f.in + f.out + f.ack > 0) queues[name] = f;
    }
    return { node: this.node, queues, exchanges };
  }

  /** This node's figures of a queue, its consumers listed up to `listed` (what it shares: SHARED_NAMES_PER_QUEUE). */
  private ownQueue(name: string, listed = SHARED_NAMES_PER_QUEUE): QueueFigures {
    const active = this.local.consumers.active(name);
    return {
      consumers: active.slice(0, listed).map((c) => ({ name: c.name, at: c.lastSeenAt, rate: c.deliverRate })),
      more: Math.max(0, active.length - listed),
      waiting: this.local.waiters.count(name),
      in: this.local.rates.perSecond(rateKey.queue(name, 'in')),
      out: this.local.rates.perSecond(rateKey.queue(name, 'out')),
      ack: this.local.rates.perSecond(rateKey.queue(name, 'ack')),
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
