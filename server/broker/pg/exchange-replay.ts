import { uuidv7 } from '../ids';
import type { Db } from '../../../db/driver';
import { BrokerError } from '../errors';
import { DEFAULT_EXCHANGE } from '../names';
import { route, type TopologySnapshot } from '../route';
import { commitFor, inDatabase, tierOf } from '../tiers';
import { exchangeRangeRead } from './exchange-log';
import type { DeadLetterLog } from './dead-letter';
import { messageInsertMany, type PreparedMessage } from './message-insert';
import { checkReplayTargetKey, refuseDeadLetterQueueTarget } from '../replay-checks';

const PAGE = 1000;
export const MAX_HISTORY_REPLAY = 1_000_000;

export type HistoryTarget = { queue: string } | { exchange: string; routingKey?: string };

/**
 * Re-publishes a time range of an exchange's stored history, in commit order, a page per
 * transaction: each copy is a new message (new id, `replay_of` the original) with the original's
 * correlation ID, sent to one queue or through an exchange. Only queues stored in the database (durable, replicated) receive copies.
 * Only what was stored when the replay began is read: copies through the exchange itself (or
 * anything published meanwhile) get a higher seq, and a later page must not copy them again.
 */
export async function exchangeHistoryReplay(
  db: Db,
  p: {
    exchange: string;
    from: Date;
    to: Date;
    routingKey?: string;
    target: HistoryTarget;
    topology: () => TopologySnapshot;
    node: string;
    log: DeadLetterLog;
    /** Messages per page (one transaction each); tests make it small. */
    pageSize?: number;
  },
): Promise<number> {
  const pageSize = p.pageSize ?? PAGE;
  checkReplayTargetKey(p.target);
  const t = p.topology();
  if ('queue' in p.target && !inDatabase(tierOf(t, p.target.queue))) {
    throw new BrokerError('replay_target_not_found', `Replay target '${p.target.queue}' is not a queue stored in the database (durable or replicated)`, { queue: p.target.queue });
  }
  if ('exchange' in p.target && !t.exchanges.has(p.target.exchange)) {
    throw new BrokerError('replay_target_not_found', `Replay target exchange '${p.target.exchange}' does not exist`, { exchange: p.target.exchange });
  }
  if ('queue' in p.target) refuseDeadLetterQueueTarget(t, p.target.queue);
  // Message inserts hold the log-order lock to their commit, so every message committed by now has a seq at most this.
  const [last] = await db.query<{ seq: string | number | null }>('SELECT max(seq) AS seq FROM messages WHERE exchange = $1', [p.exchange]);
  const horizon = Number(last?.seq ?? 0);
  let after = 0;
  let replayed = 0;
  while (replayed < MAX_HISTORY_REPLAY && after < horizon) {
    const read = await exchangeRangeRead(db, { exchange: p.exchange, from: p.from, to: p.to, routingKey: p.routingKey, after, limit: pageSize });
    const page = read.filter((m) => m.seq <= horizon);
    if (page.length === 0) break;
    after = page[page.length - 1]!.seq;
    const topology = p.topology();
    const copies: PreparedMessage[] = page.flatMap((m) => {
      const target = p.target;
      // Into a queue, a copy goes as if published straight to it, so the source exchange's log and history do not count it twice.
      const exchange = 'exchange' in target ? target.exchange : DEFAULT_EXCHANGE;
      const routingKey = 'exchange' in target ? (target.routingKey ?? m.routingKey) : m.routingKey;
      const queues = 'queue' in target ? [target.queue] : route(topology, exchange, routingKey, m.headers);
      const durableQueues = queues.filter((q) => inDatabase(tierOf(topology, q)));
      if (durableQueues.length === 0) return [];
      return [{ ...m, id: uuidv7(), exchange, routingKey, idempotencyKey: null, delayMs: 0, queues: durableQueues, durableQueues, replayOf: m.id }];
    });
    if (copies.length > 0) {
      await db.tx((q) => messageInsertMany(q, { messages: copies, dedupWindowMs: 0, topology, node: p.node, log: p.log }), commitFor(topology, copies.flatMap((c) => c.durableQueues)));
    }
    replayed += copies.length;
    if (page.length < pageSize) break;
  }
  return replayed;
}
