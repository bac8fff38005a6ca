import type { Db } from '../../db/driver';
import type { Broker } from './api';
import { BrokerError } from './errors';
import type { MemoryStore } from './memory/memory-store';
import { checkName } from './names';
import { exchangeHistoryRead, exchangeLogRead } from './pg/exchange-log';
import { messageSearch } from './pg/message-search';
import { queueDepthHistory, queueDepthRecent } from './pg/queue-depth';
import { messageGet, queueEntryBrowse } from './pg/queue-read';
import { traceRead } from './pg/trace-read';
import type { TopologyStore } from './topology';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The read side: traces, search, the exchange log and history, depth history, browsing. No writes. */
export function createReads(d: { db: Db; topology: TopologyStore; memory: MemoryStore }): Pick<
  Broker,
  'trace' | 'searchMessages' | 'exchangeLog' | 'exchangeHistory' | 'queueDepthHistory' | 'recentDepths' | 'browse' | 'getMessage'
> {
  const range = (from: Date, to: Date) => {
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to) {
      // ISO 8601, as the replays say it (replay-checks.ts); an invalid date has none: null.
      const iso = (d: Date) => (Number.isNaN(d.getTime()) ? null : d.toISOString());
      throw new BrokerError('validation_failed', 'from must be a time before to', { from: iso(from), to: iso(to) });
    }
  };
  return {
    trace: (correlationId) => traceRead(d.db, { correlationId }),
    async searchMessages(query) {
      if (query.id && !UUID.test(query.id)) return { messages: [], nextCursor: null };
      if (query.cursor && !UUID.test(query.cursor)) throw new BrokerError('validation_failed', 'cursor is not one this API returned', {});
      return messageSearch(d.db, { ...query, limit: Math.min(1000, Math.max(1, query.limit ?? 50)) });
    },
    async exchangeLog(exchange, o) {
      await d.topology.exchangeAfterReload(exchange);
      return exchangeLogRead(d.db, { exchange, ...o });
    },
    async exchangeHistory(exchange, o) {
      await d.topology.exchangeAfterReload(exchange);
      range(o.from, o.to);
      return exchangeHistoryRead(d.db, { exchange, ...o });
    },
    async queueDepthHistory(queue, r) {
      await d.topology.queueAfterReload(queue);
      range(r.from, r.to);
      return queueDepthHistory(d.db, { queue, ...r });
    },
    async recentDepths(sinceMs) {
      if (!Number.isInteger(sinceMs) || sinceMs < 1 || sinceMs > 3_600_000) {
        throw new BrokerError('validation_failed', 'sinceMs must be a whole number from 1 to 3600000', { field: 'sinceMs' });
      }
      return queueDepthRecent(d.db, { sinceMs });
    },
    async browse(queue, { limit }) {
      checkName('queue', queue);
      const q = await d.topology.queueAfterReload(queue);
      const n = Math.min(1000, Math.max(1, limit));
      return q.settings.durability === 'memory' ? d.memory.browse(queue, n) : queueEntryBrowse(d.db, { queue, limit: n });
    },
    async getMessage(id) {
      const found = UUID.test(id) ? await messageGet(d.db, { id }) : null;
      if (!found) {
        // Memory-tier messages never reach the store, so this answer is true of them too: it says so.
        throw new BrokerError(
          'message_not_found',
          `Message '${id}' is not in the message store (messages of memory-tier queues are never stored there; stored ones are kept for HATOBA_RETENTION)`,
          { message: id },
        );
      }
      return found;
    },
  };
}
