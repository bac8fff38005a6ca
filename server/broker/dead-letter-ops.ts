import type { Db } from '../../db/driver';
import type { Broker } from './api';
import type { Logger } from './broker';
import { deadLetterPageOf } from './memory/dead-letter-page';
import type { MemoryStore } from './memory/memory-store';
import { checkHeaders, checkName, checkStoredText } from './names';
import { deadLetterPageRead } from './pg/dead-letter-page';
import { exchangeHistoryReplay } from './pg/exchange-replay';
import { queueEntryDiscard } from './pg/queue-read';
import { deadLetterReplay, holdsDeadLetters } from './pg/replay';
import { checkUserQueue } from './topology-checks';
import { checkReplayBound, checkReplayRange, checkReplaySelection, checkReplaySource, checkReplayTarget, checkReplayTargetKey } from './replay-checks';
import type { Telemetry } from './telemetry';
import { commitFor } from './tiers';
import type { TopologyStore } from './topology';
import type { Queue, ReplayRequest } from './types';
import type { Waiters } from './waiters';

export interface DeadLetterOpsDeps {
  db: Db;
  node: string;
  topology: TopologyStore;
  memory: MemoryStore;
  waiters: Waiters;
  telemetry: Telemetry;
  log: Logger;
  /** The memory tier's limits, which a replay into it obeys as a publish does. */
  memoryLimits: { maxEntries: number; maxBytes: number };
}

const isMemory = (q: Queue) => q.settings.durability === 'memory';

/**
 * The dead-letter end of the flow: browse a DLQ, replay (back to its origin, into a queue or
 * through an exchange, optionally edited), discard, and replay an exchange's stored history.
 * Each checks its whole request before anything moves, then works on the queue's own tier.
 */
export function createDeadLetterOps(d: DeadLetterOpsDeps): Pick<Broker, 'replay' | 'discard' | 'deadLetterPage' | 'exchangeReplay'> {
  const { db, node, topology, memory, waiters, telemetry, log, memoryLimits } = d;
  return {
    async replay(dlq, request: ReplayRequest) {
      const q = await topology.queueAfterReload(dlq);
      checkReplaySelection(request);
      checkReplayTargetKey(request.target);
      if (request.edit?.headers) checkHeaders(request.edit.headers);
      checkStoredText({ contentType: request.edit?.contentType, 'filter.error': request.filter?.error, 'filter.routingKey': request.filter?.routingKey });
      checkReplayRange(request.filter?.from, request.filter?.to, ['filter.from', 'filter.to']);
      checkReplayBound(request.filter?.arrivedBy);
      await topology.settled(); // route to its target on the newest topology
      const snapshot = topology.snapshot;
      checkReplayTarget(snapshot, q, request.target);
      await checkReplaySource(snapshot, dlq, () => (isMemory(q) ? memory.holdsDeadLetters(dlq) : holdsDeadLetters(db, dlq)));
      const result = isMemory(q)
        ? memory.replay(dlq, request, snapshot, memoryLimits)
        : await db.tx((tx) => deadLetterReplay(tx, { dlq, request, topology: snapshot, node, log }));
      waiters.wakeAll();
      telemetry.replayed(dlq, result.replayed);
      return result;
    },
    async discard(dlq, ids) {
      const q = await topology.queueAfterReload(dlq);
      if (isMemory(q)) return { discarded: memory.discard(dlq, ids) };
      return { discarded: await db.tx((tx) => queueEntryDiscard(tx, { queue: dlq, ids }), commitFor(topology.snapshot, [dlq])) };
    },
    async deadLetterPage(dlq, query) {
      checkName('queue', dlq);
      const q = await topology.queueAfterReload(dlq);
      checkStoredText({ 'filter.error': query.filter?.error, 'filter.routingKey': query.filter?.routingKey });
      const page = { ...query, limit: Math.min(1000, Math.max(1, query.limit)) };
      return isMemory(q) ? deadLetterPageOf(memory.browse(dlq, Number.MAX_SAFE_INTEGER, 'arrival'), page) : deadLetterPageRead(db, { ...page, queue: dlq });
    },
    async exchangeReplay(exchange, request) {
      if ('queue' in request.target) checkUserQueue(request.target.queue, 'replayed into');
      checkReplayRange(request.from, request.to);
      checkReplayTargetKey(request.target);
      await topology.exchangeAfterReload(exchange);
      await topology.settled(); // route to its target on the newest topology
      const replayed = await exchangeHistoryReplay(db, { exchange, ...request, topology: () => topology.snapshot, node, log });
      waiters.wakeAll();
      return { replayed };
    },
  };
}
