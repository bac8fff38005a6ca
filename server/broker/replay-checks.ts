import { BrokerError } from './errors';
import { possibleDeadLetterQueues } from './dead-letter-targets';
import { checkRoutingKey, DEFAULT_EXCHANGE } from './names';
import { checkUserQueue } from './topology-checks';
import type { HistoryTarget } from './pg/exchange-replay';
import type { IdSkips } from './replay-ids';
import type { TopologySnapshot } from './route';
import type { Queue, ReplayRequest } from './types';
import { isDeadLetterQueue } from './name-rules';

/**
 * What every replay checks before it reads a dead letter, on either tier: a time range that
 * runs forwards, and a target a replay may write into.
 */

export function checkReplayRange(from: Date | undefined, to: Date | undefined, fields: [string, string] = ['from', 'to']): void {
  if (from && to && from.getTime() > to.getTime()) {
    throw new BrokerError('validation_failed', `${fields[0]} must be a time before ${fields[1]}`, {
      [fields[0]]: from.toISOString(),
      [fields[1]]: to.toISOString(),
    });
  }
}

/**
 * Which dead letters a replay moves, said explicitly: ids, all: true, or a filter that selects by
 * something (routing key, error text, death time). A replay cannot be undone, so an empty filter
 * (`{}`, or only `arrivedBy`, the preview's bound) is not taken for "all", and an empty error
 * text, which every dead letter contains, is refused.
 */
export function checkReplaySelection(r: ReplayRequest): void {
  const f = r.filter;
  if (f?.error === '') {
    throw new BrokerError('validation_failed', 'filter.error must not be empty: it would match every dead letter; say all: true to replay them all', {
      fields: ['filter.error'],
    });
  }
  const selects = !!f && (f.routingKey !== undefined || f.error !== undefined || f.from !== undefined || f.to !== undefined);
  if (!r.all && !r.ids && !selects) {
    throw new BrokerError(
      'validation_failed',
      'Say which dead letters to replay: ids, all: true, or a filter by routingKey, error, from or to (an empty filter is not taken for all): nothing was replayed',
      { fields: ['ids', 'all', 'filter'] },
    );
  }
  // A replay cannot be undone: ids beside all: true would be a guess at which one was meant.
  if (r.all && r.ids) {
    throw new BrokerError('validation_failed', 'Give either ids (those dead letters only) or all: true (every dead letter), not both: nothing was replayed', {
      fields: ['ids', 'all'],
    });
  }
}

/**
 * A replay's bound on when a dead letter arrived in the DLQ (`filter.arrivedBy`, the `readAt` of
 * the preview the operator confirmed): it must be a time. Dead letters that arrive later stay.
 */
export function checkReplayBound(arrivedBy: Date | undefined): void {
  if (arrivedBy && Number.isNaN(arrivedBy.getTime())) {
    throw new BrokerError('validation_failed', 'filter.arrivedBy must be a time (ISO 8601, such as the readAt of a dead-letter page)', {
      fields: ['filter.arrivedBy'],
    });
  }
}

/**
 * The routing key a replay through an exchange stores its copies under must be one a publish
 * could use (400 invalid_routing_key otherwise), checked before anything moves.
 */
export function checkReplayTargetKey(target: ReplayRequest['target'] | HistoryTarget | undefined): void {
  if (target && typeof target === 'object' && 'exchange' in target && target.routingKey !== undefined) checkRoutingKey(target.routingKey);
}

/** The other queues of its tier whose dead letters may go to `queue` (by name, or by a dead-letter exchange's binding). */
export function deadLetterSources(topology: TopologySnapshot, queue: string): string[] {
  const tier = topology.queues.get(queue)?.settings.durability;
  return [...topology.queues.values()]
    .filter((q) => {
      const dl = q.settings.deadLetter;
      if (q.name === queue || dl === false || q.settings.durability !== tier) return false;
      // The default exchange without a key routes each dead letter by its own key: that makes no queue a DLQ.
      if (dl.exchange === DEFAULT_EXCHANGE && dl.routingKey === undefined) return false;
      return possibleDeadLetterQueues(topology, q.name).includes(queue);
    })
    .map((q) => q.name);
}

/**
 * A replay's source must be a dead-letter queue: named `….dlq`, one another queue dead-letters
 * to, or one that holds dead letters (`holdsDeadLetters`, read only when the topology does not
 * say). A work queue is none: a replay from it would move live messages past their consumers.
 */
export async function checkReplaySource(topology: TopologySnapshot, queue: string, holdsDeadLetters: () => Promise<boolean> | boolean): Promise<void> {
  if (isDeadLetterQueue(queue) || deadLetterSources(topology, queue).length > 0 || (await holdsDeadLetters())) return;
  throw new BrokerError(
    'validation_failed',
    `'${queue}' is not a dead-letter queue: no queue dead-letters to it and it holds no dead letters. A replay moves dead letters; nothing was replayed`,
    { queue },
  );
}

/**
 * A replay never writes into a dead-letter queue: the copy would arrive there without a death
 * record (no origin, reason or error), and replaying it "to origin" later could not work.
 */
export function refuseDeadLetterQueueTarget(topology: TopologySnapshot, queue: string): void {
  const sources = deadLetterSources(topology, queue);
  if (sources.length === 0) return;
  throw new BrokerError(
    'queue_in_use',
    `Replay target '${queue}' is the dead-letter queue of ${sources.map((s) => `'${s}'`).join(', ')}: a replay into it would lose the death record. Replay to the origin, to another queue or through an exchange`,
    { queue, deadLetterOf: sources },
  );
}

/** A named target of a replay (a queue, or an exchange) must exist: 404 replay_target_not_found, on either tier, rather than a replay that moves none. */
export function checkReplayTargetExists(topology: TopologySnapshot, target: ReplayRequest['target']): void {
  if (target && typeof target === 'object' && 'queue' in target && !topology.queues.has(target.queue)) {
    throw new BrokerError('replay_target_not_found', `Replay target queue '${target.queue}' does not exist`, { queue: target.queue });
  }
  if (target && typeof target === 'object' && 'exchange' in target && !topology.exchanges.has(target.exchange)) {
    throw new BrokerError('replay_target_not_found', `Replay target exchange '${target.exchange}' does not exist`, { exchange: target.exchange });
  }
}

/** A named target of a DLQ replay: one that exists, not a dead-letter queue, and of the DLQ's own tier. */
export function checkReplayTarget(topology: TopologySnapshot, dlq: Queue, target: ReplayRequest['target']): void {
  checkUserQueue(dlq.name, 'replayed from');
  if (target && typeof target === 'object' && 'queue' in target) checkUserQueue(target.queue, 'replayed into');
  checkReplayTargetExists(topology, target);
  const named = target && typeof target === 'object' && 'queue' in target ? topology.queues.get(target.queue) : undefined;
  if (!named) return;
  refuseDeadLetterQueueTarget(topology, named.name);
  const memory = (q: Queue) => q.settings.durability === 'memory';
  if (memory(named) !== memory(dlq)) {
    // Dead letters stay in their tier (memory, or the database): say so rather than move none.
    const where = (q: Queue) => (memory(q) ? 'a memory queue' : 'stored in the database');
    throw new BrokerError(
      'replay_target_not_found',
      `Replay target '${named.name}' is ${where(named)}, and '${dlq.name}' is ${where(dlq)}: dead letters replay only into a queue of their own tier`,
      { queue: named.name },
    );
  }
}

/** Matched dead letters a replay left in the DLQ, by why: their origin queue is gone or now of the other tier (by queue), or an exchange routed them to no queue of the DLQ's tier. */
export interface ReplaySkips {
  originMissing: Map<string, number>;
  originOtherTier: Map<string, number>;
  unroutable: number;
  /** Entries with no death record (published into the DLQ), replayed to their origin: they have none. */
  noOrigin: number;
}

export const noSkips = (): ReplaySkips => ({ originMissing: new Map(), originOtherTier: new Map(), unroutable: 0, noOrigin: 0 });

/** Counts one dead letter a replay matched and left in the DLQ, by why; `death` null: it has no origin to go back to. */
export function skipUnplaced(skips: ReplaySkips, topology: TopologySnapshot, target: ReplayRequest['target'] | 'origin', death: { queue: string } | null): void {
  if (target === 'origin') {
    if (death) skipOrigin(skips, topology, death.queue);
    else skips.noOrigin++;
  } else if (typeof target === 'object' && 'exchange' in target) skips.unroutable++;
}

/** Counts one dead letter left in the DLQ because its origin `queue` is gone or of the other tier. */
export function skipOrigin(skips: ReplaySkips, topology: TopologySnapshot, queue: string): void {
  const map = topology.queues.has(queue) ? skips.originOtherTier : skips.originMissing;
  map.set(queue, (map.get(queue) ?? 0) + 1);
}

/**
 * What a replay answers: how many moved, how many it matched but left, the ids asked for that it
 * could not take (replay-ids.ts; without `ids`, only the leased ones that matched), and whether it
 * stopped at its limit.
 */
export interface ReplayResult {
  replayed: number;
  skipped: { originMissing: Record<string, number>; originOtherTier: Record<string, number>; unroutable: number; noOrigin: number } & IdSkips;
  /** True when the replay stopped at its limit (REPLAY_LIMIT a call on the database): more may match; call again. */
  more: boolean;
}

/** Dead letters one replay moves at most on the database tier (one transaction). */
export const REPLAY_LIMIT = 10_000;

export function replayResult(replayed: number, skips: ReplaySkips, more: boolean): ReplayResult {
  return {
    replayed,
    skipped: {
      originMissing: Object.fromEntries(skips.originMissing),
      originOtherTier: Object.fromEntries(skips.originOtherTier),
      unroutable: skips.unroutable,
      noOrigin: skips.noOrigin,
      notFound: [],
      leased: [],
      busy: [],
    },
    more,
  };
}

/** When nothing moved because every origin was gone: the same 404 an explicitly named missing target gets, with the reason. */
export function throwIfOnlyMissingOrigins(moved: number, skips: ReplaySkips, dlq: string): void {
  if (moved > 0 || skips.originMissing.size + skips.originOtherTier.size === 0) return;
  const reasons = [
    ...[...skips.originMissing.keys()].map((qn) => `'${qn}' does not exist`),
    ...[...skips.originOtherTier.keys()].map((qn) => `'${qn}' is now a queue of the other tier`),
  ];
  throw new BrokerError(
    'replay_target_not_found',
    `Nothing replayed from '${dlq}': the dead letters' origin queue ${reasons.join(', ')}. Declare it again in the dead letters' tier, or replay to another queue or an exchange`,
    { queue: dlq, originMissing: [...skips.originMissing.keys()], originOtherTier: [...skips.originOtherTier.keys()] },
  );
}
