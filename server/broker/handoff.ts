import { formatReceipt } from './receipts';
import { storedMessage } from './stored-message';
import type { Delivery, StoredMessage } from './types';

/**
 * Direct handoff, the way a broker pushes to a waiting consumer: a long poll that found its queue
 * empty waits with a ticket, and the next publish flush that writes entries for that queue
 * inserts them already leased to the ticket (same statement, same commit, with the `delivered`
 * event). The poll answers with them once the flush has committed. The entry is never ready, so
 * no claim has to find it, update it and read the message back. Entries no ticket takes stay
 * ready for the next claim. Only this node's polls are offered this node's publishes.
 */
export class Ticket {
  state: 'waiting' | 'taken' | 'done' = 'waiting';
  /** Set by the waiting poll: ends its wait when a flush takes this ticket. */
  wake: () => void = () => {};
  /** Entries of the flush being written that are leased to this ticket. */
  reserved = 0;
  readonly deliveries: Delivery[] = [];
  private resolve: (d: Delivery[]) => void = () => {};
  readonly result = new Promise<Delivery[]>((r) => (this.resolve = r));

  constructor(
    readonly queue: string,
    readonly max: number,
    readonly visibilityMs: number,
  ) {}

  finish(delivered: boolean): void {
    this.state = 'done';
    this.resolve(delivered ? this.deliveries : []);
  }
}

export class Handoff {
  private readonly waiting = new Map<string, Ticket[]>();

  /** A poll on `queue` about to wait: the next flush may lease up to `max` entries to it. */
  offer(queue: string, max: number, visibilityMs: number): Ticket {
    const t = new Ticket(queue, max, visibilityMs);
    const list = this.waiting.get(queue);
    if (list) list.push(t);
    else this.waiting.set(queue, [t]);
    return t;
  }

  /**
   * Ends a ticket's wait: one still waiting is withdrawn and gets nothing; one a flush took gets
   * its deliveries once that flush has committed (none if it failed).
   */
  settle(t: Ticket): Promise<Delivery[]> {
    if (t.state !== 'waiting') return t.result;
    this.remove(t);
    t.finish(false);
    return t.result;
  }

  /** Polls waiting with a ticket on `queue`. */
  waitingOn(queue: string): number {
    return this.waiting.get(queue)?.length ?? 0;
  }

  /** The leases of one publish flush. */
  batch(): HandoffBatch {
    return new HandoffBatch((queue) => this.next(queue));
  }

  private next(queue: string): Ticket | undefined {
    const list = this.waiting.get(queue);
    const t = list?.shift();
    if (list?.length === 0) this.waiting.delete(queue);
    return t;
  }

  private remove(t: Ticket): void {
    const list = this.waiting.get(t.queue);
    const i = list?.indexOf(t) ?? -1;
    if (i >= 0) list!.splice(i, 1);
    if (list?.length === 0) this.waiting.delete(t.queue);
  }
}

interface Lease {
  lease: string;
  visibilityMs: number;
}

/**
 * Built while one flush is written: `lease` hands each entry to the oldest waiting ticket of its
 * queue with room left; `committed` or `failed` settles every ticket the flush took.
 */
export class HandoffBatch {
  private readonly open = new Map<string, Ticket>();
  private readonly taken: Ticket[] = [];
  private readonly byLease = new Map<string, { ticket: Ticket; message: StoredMessage }>();
  /** Queues with an entry in this flush that went to a waiting poll, and with one that did not. */
  private readonly leasedTo = new Set<string>();
  private readonly leftReady = new Set<string>();

  constructor(private readonly nextTicket: (queue: string) => Ticket | undefined) {}

  /** The lease for the next entry of `queue` (a ready entry, no delay), or undefined when no poll waits. */
  lease(queue: string, message: Omit<StoredMessage, 'publishedAt'>, newLease: () => string): Lease | undefined {
    let t = this.open.get(queue);
    if (!t || t.reserved >= t.max) {
      t = this.nextTicket(queue);
      if (!t) {
        this.open.delete(queue);
        return this.unleased(queue);
      }
      t.state = 'taken';
      t.wake();
      this.taken.push(t);
      this.open.set(queue, t);
    }
    t.reserved++;
    this.leasedTo.add(queue);
    const lease = newLease();
    // publishedAt comes with the commit (committed()).
    this.byLease.set(lease, { ticket: t, message: storedMessage(message, new Date(0)) });
    return { lease, visibilityMs: t.visibilityMs };
  }

  /** An entry of `queue` that no ticket may take (delayed): the queue's pollers must still be woken. */
  unleased(queue: string): undefined {
    this.leftReady.add(queue);
    return undefined;
  }

  /** Queues whose every entry in this flush went to a waiting poll: nothing is left to wake the others for. */
  allLeased(): Set<string> {
    return new Set([...this.leasedTo].filter((q) => !this.leftReady.has(q)));
  }

  /** The flush committed: `rows` are the leased entries it inserted, `at` its timestamp. */
  committed(rows: { id: number; lease: string }[], at: Date): void {
    for (const r of rows) {
      const held = this.byLease.get(r.lease);
      if (!held) continue;
      held.message.publishedAt = at;
      held.ticket.deliveries.push(
        Object.assign(held.message, {
          queue: held.ticket.queue,
          receipt: formatReceipt({ entryId: Number(r.id), lease: r.lease }),
          attempt: 1,
          death: null,
        }),
      );
    }
    for (const t of this.taken) t.finish(true);
  }

  /** The flush failed: nothing was leased; the polls look at their queues again. */
  failed(): void {
    for (const t of this.taken) if (t.state !== 'done') t.finish(false);
  }
}
