import type { Sql } from '../../db/driver';
import type { MemoryStore } from './memory/memory-store';
import { queueEntryLeaseHolders } from './pg/queue-entry-settle';
import { formatReceipt, parseReceipt } from './receipts';

/** A receipt given on a queue it does not belong to, and the queue whose current lease it names. */
export interface OtherQueueReceipt {
  receipt: string;
  queue: string;
}

/**
 * Of the receipts a settlement on `queue` found stale, those whose lease is current on another
 * queue (either tier): a client that acks, nacks or extends on the wrong queue is told where the
 * lease is, rather than led to think it ran out. Read only when something was stale, so a
 * settlement that settles everything pays nothing.
 */
export async function otherQueueReceipts(db: Sql, memory: MemoryStore, queue: string, stale: string[]): Promise<OtherQueueReceipt[]> {
  if (stale.length === 0) return [];
  const parsed = stale.map(parseReceipt);
  const holders = new Map([...memory.leaseHolders(parsed), ...(await queueEntryLeaseHolders(db, parsed))]);
  return stale.flatMap((receipt, i) => {
    const holder = holders.get(formatReceipt(parsed[i]!));
    return holder !== undefined && holder !== queue ? [{ receipt, queue: holder }] : [];
  });
}
