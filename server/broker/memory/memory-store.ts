import { uuidv4, uuidv7 } from '../ids';
import { decideNack } from '../backoff';
import { countDead, deadLetterPlan, deadLetteredDetail, diedBefore, otherTierReason, type DeadCount } from '../dead-letter-targets';
import type { EventSink, LifecycleEvent } from '../event-sink';
import type { DeadLetterLog, OnDead } from '../pg/dead-letter';
import { formatReceipt, receiptsOf, type Receipt } from '../receipts';
import { route, type TopologySnapshot } from '../route';
import type { Death, DeathReason, Delivery, NackOptions, Queue, QueueDepth, ReplayRequest, StoredMessage } from '../types';
import type { BrowsedEntry } from '../pg/queue-read';
import { noSkips, REPLAY_LIMIT, replayResult, skipUnplaced, throwIfOnlyMissingOrigins, type ReplayResult } from '../replay-checks';
import { idSkipsOf, withIdSkips } from '../replay-ids';
import { delivery } from '../stored-message';
import { MemoryQueue, type MemoryEntry } from './memory-queue';
import { matchesReplayFilter, replayedCopy } from './replay-parts';
import { checkMemoryRoom, type MemoryLimits } from './memory-room';

/** Defaults of the memory tier's limits (HATOBA_MEMORY_MAX_ENTRIES, HATOBA_MEMORY_MAX_BYTES). */
export const MEMORY_DEFAULT_MAX_ENTRIES = 200_000;
export const MEMORY_DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The memory tier: entries live in this process's RAM and are lost on restart. Semantics match
 * the durable tier (leases, stale receipts, backoff, dead letters, TTL, max length, replay); the
 * shared rules (decideNack, deadLetterPlan, route) are the same functions.
 */
export class MemoryStore {
  private readonly queues = new Map<string, MemoryQueue>();
  private nextId = 1;
  private count = 0;
  private bodyBytes = 0;

  constructor(
    private readonly deps: {
      events: Pick<EventSink, 'record'>;
      now?: () => number;
      onReady: (queues: string[]) => void;
      onDead?: OnDead;
      /** The broker's logger: a dead letter kept for want of a target in this tier is said there. */
      log: DeadLetterLog;
    },
  ) {}

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private entries(queue: string): MemoryQueue {
    let q = this.queues.get(queue);
    if (!q) this.queues.set(queue, (q = new MemoryQueue(() => this.now())));
    return q;
  }

  private emit(events: LifecycleEvent[]): void {
    if (events.length > 0) this.deps.events.record(events);
  }

  enqueue(queue: Queue, message: StoredMessage, delayMs: number, topology: TopologySnapshot, death: Death | null = null): void {
    const now = this.now();
    const id = this.nextId++;
    this.entries(queue.name).add({ id, message, visibleAt: now + delayMs, slot: -1, attempt: 0, lease: null, enqueuedAt: now, lastError: null, death });
    this.count++;
    this.bodyBytes += message.body.byteLength;
    this.enforceMaxLength(queue, topology);
    this.deps.onReady([queue.name]);
  }

  /**
   * Leases up to `max` ready entries, earliest visible first (as the durable claim orders). A
   * spent lease or an expired message met on the way is set aside for the sweep, which
   * dead-letters it, so that later claims do not meet it again.
   */
  claim(queue: Queue, max: number, visibilityMs: number): Delivery[] {
    const now = this.now();
    const { maxDeliveries, messageTtlMs } = queue.settings;
    const q = this.entries(queue.name);
    const out: Delivery[] = [];
    const events: LifecycleEvent[] = [];
    for (let e = q.next(); e && e.visibleAt <= now && out.length < max; e = q.next()) {
      if ((e.lease && e.attempt >= maxDeliveries) || (messageTtlMs && e.enqueuedAt <= now - messageTtlMs)) {
        q.setAside(e);
        continue;
      }
      if (e.lease) events.push({ type: 'lease_expired', messageId: e.message.id, queue: queue.name, attempt: e.attempt, at: e.visibleAt });
      e.attempt++;
      q.lease(e, uuidv4(), now + visibilityMs);
      events.push({ type: 'delivered', messageId: e.message.id, queue: queue.name, attempt: e.attempt });
      out.push(delivery(e.message, { queue: queue.name, receipt: formatReceipt({ entryId: e.id, lease: e.lease! }), attempt: e.attempt, death: e.death }));
    }
    this.emit(events);
    return out;
  }

  /** Entries held across all memory queues. */
  get size(): number {
    return this.count;
  }

  /** Body bytes held across all memory queues, counted once per entry. */
  get bytes(): number {
    return this.bodyBytes;
  }

  /** Every removal of an entry goes through here, so that `bytes` stays right. */
  private remove(queue: string, e: MemoryEntry): boolean {
    if (!this.entries(queue).delete(e)) return false;
    this.count--;
    this.bodyBytes -= e.message.body.byteLength;
    return true;
  }

  /** The entries that `receipts` name and whose leases are still current, each once. */
  private held(queue: string, receipts: Receipt[]): MemoryEntry[] {
    const now = this.now();
    const entries = this.entries(queue);
    const held = new Set<MemoryEntry>();
    for (const r of receipts) {
      const e = entries.get(r.entryId);
      if (e && e.lease === r.lease && e.visibleAt > now) held.add(e);
    }
    return [...held];
  }

  /** The queues whose entries `receipts` name under their current leases: formatted receipt → queue. */
  leaseHolders(receipts: Receipt[]): Map<string, string> {
    const now = this.now();
    const found = new Map<string, string>();
    for (const [name, entries] of this.queues) {
      for (const r of receipts) {
        const e = entries.get(r.entryId);
        if (e && e.lease === r.lease && e.visibleAt > now) found.set(formatReceipt(r), name);
      }
    }
    return found;
  }

  ack(queue: string, receipts: Receipt[]): Set<string> {
    const held = this.held(queue, receipts);
    const settled = receiptsOf(held);
    for (const e of held) this.remove(queue, e);
    this.emit(held.map((e) => ({ type: 'acked', messageId: e.message.id, queue, attempt: e.attempt })));
    return settled;
  }

  extend(queue: string, receipts: Receipt[], visibilityMs: number): Set<string> {
    const held = this.held(queue, receipts);
    const entries = this.entries(queue);
    for (const e of held) entries.setVisibleAt(e, this.now() + visibilityMs);
    return receiptsOf(held);
  }

  /** Gives current leases back unsettled: ready at once, the attempt taken back (the durable tier's queueEntryRelease). */
  release(queue: string, receipts: Receipt[]): number {
    const held = this.held(queue, receipts);
    const entries = this.entries(queue);
    for (const e of held) {
      e.attempt--;
      entries.unlease(e, this.now());
    }
    this.emit(held.map((e) => ({ type: 'released', messageId: e.message.id, queue, attempt: e.attempt + 1 })));
    if (held.length > 0) this.deps.onReady([queue]);
    return held.length;
  }

  nack(queue: Queue, receipts: Receipt[], options: NackOptions, topology: TopologySnapshot): Set<string> {
    const held = this.held(queue.name, receipts);
    const settled = receiptsOf(held);
    const error = options.error ?? null;
    for (const e of held) {
      this.emit([{ type: 'nacked', messageId: e.message.id, queue: queue.name, attempt: e.attempt, detail: { error } }]);
      const { maxDeliveries, retry: policy } = queue.settings;
      const decision = decideNack({ attempt: e.attempt, maxDeliveries, policy, requeue: options.requeue, delayMs: options.delayMs });
      e.lastError = error;
      if (decision.kind === 'dead_letter') {
        this.deadLetter(queue.name, [e], decision.reason, topology);
      } else {
        this.entries(queue.name).unlease(e, this.now() + decision.delayMs);
        this.emit([{ type: 'retry_scheduled', messageId: e.message.id, queue: queue.name, attempt: e.attempt, detail: { delayMs: decision.delayMs } }]);
      }
    }
    if (held.length > 0) this.deps.onReady([queue.name]);
    return settled;
  }

  private deadLetter(queue: string, dying: MemoryEntry[], reason: DeathReason, topology: TopologySnapshot): void {
    // the death an entry carries says which queues it already died from in this chain (cycle detection)
    const plans = dying.map((e) => deadLetterPlan(topology, queue, e.message, reason, e.death));
    const moving = dying.filter((_, i) => plans[i]!.otherTier.length === 0);
    if (moving.length > 0) {
      const dead = new Map<string, DeadCount>();
      for (const plan of plans) if (plan.otherTier.length === 0) countDead(dead, queue, plan.targets);
      for (const [q, { n, arrivals }] of dead) this.deps.onDead?.(q, reason, n, arrivals);
    }
    for (const [i, e] of dying.entries()) {
      const plan = plans[i]!;
      const { targets, otherTier } = plan;
      if (otherTier.length > 0) {
        // A dead letter this tier cannot store where its exchange routes it (pg/dead-letter.ts):
        // kept in its queue, hidden for the visibility timeout, then tried again; never dropped.
        const delayMs = topology.queues.get(queue)?.settings.visibilityTimeoutMs ?? 30_000;
        const why = otherTierReason(queue, otherTier);
        this.deps.log.warn({ messageId: e.message.id, queue, otherTier }, why);
        this.entries(queue).setVisibleAt(e, this.now() + delayMs);
        this.emit([
          {
            type: 'retry_scheduled',
            messageId: e.message.id,
            queue,
            attempt: e.attempt,
            detail: { delayMs, deadLetterKept: true, deathReason: reason, lastError: e.lastError, otherTier, reason: why },
          },
        ]);
        continue;
      }
      this.remove(queue, e);
      const death: Death = {
        queue,
        exchange: e.message.exchange,
        routingKey: e.message.routingKey,
        reason,
        attempts: e.attempt,
        lastError: e.lastError,
        diedAt: new Date(this.now()).toISOString(),
        ...diedBefore(plan.chain),
      };
      for (const t of targets) this.enqueue(topology.queues.get(t)!, e.message, 0, topology, death);
      this.emit([
        {
          type: 'dead_lettered',
          messageId: e.message.id,
          queue,
          attempt: e.attempt,
          detail: {
            reason,
            lastError: e.lastError,
            // left out beside other targets (notTo) said too, as droppedBecause says it when they were the only ones
            ...deadLetteredDetail(topology, queue, e.message, reason, plan),
          },
        },
      ]);
    }
  }

  /** Drop-head, as the durable tier: the oldest entries not under a lease leave first. */
  private enforceMaxLength(queue: Queue, topology: TopologySnapshot): void {
    const max = queue.settings.maxLength;
    const q = this.entries(queue.name);
    if (!max || q.unleased <= max) return;
    let excess = q.unleased - max;
    const dropped: MemoryEntry[] = [];
    for (const e of q.values()) {
      if (excess === 0) break;
      if (e.lease) continue;
      dropped.push(e);
      excess--;
    }
    this.deadLetter(queue.name, dropped, 'max_length', topology);
  }

  /** Dead-letters spent leases and expired entries of every memory queue. */
  sweep(topology: TopologySnapshot): void {
    const now = this.now();
    for (const [name, entries] of this.queues) {
      const queue = topology.queues.get(name);
      if (!queue) continue;
      const { maxDeliveries, messageTtlMs } = queue.settings;
      const isSpent = (e: MemoryEntry) => e.lease !== null && e.visibleAt <= now && e.attempt >= maxDeliveries;
      const spent = [...entries.leased()].filter(isSpent);
      const expired: MemoryEntry[] = [];
      // Entries are kept in enqueue order, so the expired ones are a prefix (the walk stops at the first young one).
      if (messageTtlMs) {
        for (const e of entries.values()) {
          if (e.enqueuedAt > now - messageTtlMs) break;
          const leased = e.lease !== null && e.visibleAt > now;
          if (!leased && !isSpent(e)) expired.push(e);
        }
      }
      this.emit(spent.map((e) => ({ type: 'lease_expired', messageId: e.message.id, queue: name, attempt: e.attempt, at: e.visibleAt })));
      for (const e of spent) e.lastError ??= 'lease expired';
      this.deadLetter(name, spent, 'max_deliveries', topology);
      this.deadLetter(name, expired, 'expired', topology);
    }
  }

  depth(queue: string): QueueDepth {
    return this.entries(queue).depth();
  }

  /** How long until the next entry becomes visible (0 when one is ready now); null when the queue has none to give. */
  nextVisibleMs(queue: string): number | null {
    const next = this.entries(queue).next();
    return next ? Math.max(0, next.visibleAt - this.now()) : null;
  }

  /** A queue's entries without leasing them: in delivery order, or in the order they arrived (the dead-letter page). */
  browse(queue: string, limit: number, order: 'delivery' | 'arrival' = 'delivery'): BrowsedEntry[] {
    const now = this.now();
    const all = [...this.entries(queue).values()]; // arrival order
    if (order === 'delivery') all.sort((a, b) => a.visibleAt - b.visibleAt || a.id - b.id);
    return all
      .slice(0, limit)
      .map((e) => ({
        ...e.message,
        attempt: e.attempt,
        death: e.death,
        state: e.visibleAt <= now ? 'ready' : e.lease ? 'in_flight' : 'delayed',
      }));
  }

  /** Whether `queue` holds a dead letter (an entry with a death record). */
  holdsDeadLetters(queue: string): boolean {
    for (const e of this.entries(queue).values()) if (e.death) return true;
    return false;
  }

  discard(queue: string, ids: string[]): number {
    const now = this.now();
    const wanted = new Set(ids);
    let n = 0;
    for (const e of [...this.entries(queue).values()]) {
      if (wanted.has(e.message.id) && !(e.lease && e.visibleAt > now)) {
        this.remove(queue, e);
        n++;
      }
    }
    return n;
  }

  purge(queue: string): number {
    const entries = [...this.entries(queue).values()];
    for (const e of entries) this.remove(queue, e);
    this.queues.delete(queue);
    return entries.length;
  }

  /**
   * Replays dead letters of a memory DLQ into memory queues (see pg/replay.ts for the rules).
   * First every move is planned, then, with `limits`, the replay is refused whole (507
   * memory_limit, nothing moved) when what it adds, less the dead letters it takes out, would
   * pass a limit of the memory tier, as a publish is; then the moves are made.
   */
  replay(dlq: string, r: ReplayRequest, topology: TopologySnapshot, limits?: MemoryLimits): ReplayResult {
    const now = this.now();
    const target = r.target ?? 'origin';
    const f = r.filter ?? {};
    const skips = noSkips();
    const reroute = typeof target === 'object' && 'exchange' in target;
    const moves: { entry: MemoryEntry; message: StoredMessage; queues: Queue[] }[] = [];
    // (queue, message id) pairs the planned moves write unchanged: a later dead letter of the same message is then new there
    const planned = new Set<string>();
    const adds = { entries: 0, bytes: 0 };
    // Whether a consumer holds each entry of the ids asked for, or without ids each that matches: the answer names those.
    const asked: { id: string; leased: boolean }[] = [];
    const leasedMatching: string[] = [];
    for (const e of [...this.entries(dlq).values()]) {
      // ids restrict even beside all: true (the broker refuses the two together)
      if (r.ids && !r.ids.includes(e.message.id)) continue;
      const leased = e.lease !== null && e.visibleAt > now;
      if (r.ids) asked.push({ id: e.message.id, leased });
      if (!matchesReplayFilter(e, f)) continue;
      if (leased) {
        if (leasedMatching.length < REPLAY_LIMIT) leasedMatching.push(e.message.id); // it stays (skipped.leased)
        continue;
      }
      // Unchanged into a queue that still holds this message, it goes as a new message: a queue never holds one twice.
      const namedQueue = target === 'origin' ? e.death?.queue : 'queue' in target ? target.queue : undefined;
      const heldAlready =
        namedQueue !== undefined &&
        (planned.has(`${namedQueue}\u0000${e.message.id}`) || [...(this.queues.get(namedQueue)?.values() ?? [])].some((x) => x.message.id === e.message.id));
      const message = reroute || r.edit || heldAlready ? replayedCopy(e.message, r, now) : e.message;
      const names =
        target === 'origin' ? (e.death ? [e.death.queue] : []) : 'queue' in target ? [target.queue] : route(topology, message.exchange, message.routingKey, message.headers);
      const queues = names.map((n) => topology.queues.get(n)).filter((q): q is Queue => q?.settings.durability === 'memory');
      if (queues.length === 0) {
        skipUnplaced(skips, topology, target, e.death);
        continue;
      }
      if (message === e.message) for (const q of queues) planned.add(`${q.name}\u0000${message.id}`);
      moves.push({ entry: e, message, queues });
      adds.entries += queues.length - 1;
      adds.bytes += queues.length * message.body.byteLength - e.message.body.byteLength;
    }
    throwIfOnlyMissingOrigins(moves.length, skips, dlq);
    if (limits) checkMemoryRoom(this, limits, adds, 'replay');
    let moved = 0;
    for (const { entry: e, message, queues } of moves) {
      // An earlier move's max length may have dead-lettered into this DLQ and dropped this entry from it: then it stays gone.
      if (!this.remove(dlq, e)) continue;
      for (const q of queues) this.enqueue(q, message, 0, topology);
      this.emit([{ type: 'replayed', messageId: e.message.id, queue: dlq, attempt: null, detail: { to: queues.map((q) => q.name), newMessageId: message.id === e.message.id ? null : message.id } }]);
      moved++;
    }
    return withIdSkips(replayResult(moved, skips, false), r.ids ? idSkipsOf(r.ids, asked) : { notFound: [], leased: leasedMatching, busy: [] });
  }
}
