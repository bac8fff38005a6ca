import type { Death, QueueDepth, StoredMessage } from '../types';
import { VisibilityHeap, type HeapItem } from './visibility-heap';

export interface MemoryEntry extends HeapItem {
  message: StoredMessage;
  attempt: number;
  lease: string | null;
  enqueuedAt: number;
  lastError: string | null;
  death: Death | null;
}

/**
 * One memory queue's entries, indexed so that no per-message operation, and no depth, walks the
 * queue: by id in enqueue order (receipts, max length, TTL), in claim order (a heap by
 * visibility, then id), the leased ones apart (the sweep of spent leases), and the unleased ones
 * that were not yet visible when last set (delays, retry backoff). Every change of an entry's
 * lease or visibility goes through here, so they agree.
 */
export class MemoryQueue {
  private readonly byId = new Map<number, MemoryEntry>();
  private readonly claimOrder = new VisibilityHeap<MemoryEntry>();
  private readonly leasedEntries = new Set<MemoryEntry>();
  /** Unleased entries whose visibility was in the future when set; depth() drops those that have come due. */
  private readonly waiting = new Set<MemoryEntry>();

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.byId.size;
  }

  /** Entries with no lease (never claimed, or given back by a nack): what max length counts. */
  get unleased(): number {
    return this.byId.size - this.leasedEntries.size;
  }

  get(id: number): MemoryEntry | undefined {
    return this.byId.get(id);
  }

  /** Every entry, oldest enqueued first. */
  values(): IterableIterator<MemoryEntry> {
    return this.byId.values();
  }

  /** Entries under a lease, current or run out. */
  leased(): IterableIterator<MemoryEntry> {
    return this.leasedEntries.values();
  }

  add(e: MemoryEntry): void {
    this.byId.set(e.id, e);
    this.claimOrder.push(e);
    if (e.lease !== null) this.leasedEntries.add(e);
    else if (e.visibleAt > this.now()) this.waiting.add(e);
  }

  /** Takes the entry out; false when it was not here. */
  delete(e: MemoryEntry): boolean {
    if (!this.byId.delete(e.id)) return false;
    this.claimOrder.remove(e);
    this.leasedEntries.delete(e);
    this.waiting.delete(e);
    return true;
  }

  /** The entry a claim looks at next: the earliest visible, ready or not. */
  next(): MemoryEntry | undefined {
    return this.claimOrder.peek();
  }

  lease(e: MemoryEntry, lease: string, visibleAt: number): void {
    this.leasedEntries.add(e);
    this.waiting.delete(e);
    e.lease = lease;
    this.claimOrder.setVisibleAt(e, visibleAt);
  }

  unlease(e: MemoryEntry, visibleAt: number): void {
    this.leasedEntries.delete(e);
    e.lease = null;
    this.setVisibleAt(e, visibleAt);
  }

  setVisibleAt(e: MemoryEntry, visibleAt: number): void {
    this.claimOrder.setVisibleAt(e, visibleAt);
    if (e.lease === null && visibleAt > this.now()) this.waiting.add(e);
    else this.waiting.delete(e);
  }

  /**
   * Ready (visible now, an expired lease included), in flight (leased, not yet visible) and
   * delayed (unleased, not yet visible), and how long the oldest ready entry has waited. Reads
   * the leased and waiting entries only, plus, for the age, the oldest entries up to the first
   * ready one.
   */
  depth(): QueueDepth {
    const now = this.now();
    const d: QueueDepth = { ready: 0, inFlight: 0, delayed: 0, oldestReadyAgeMs: null };
    for (const e of this.leasedEntries) if (e.visibleAt > now) d.inFlight++;
    for (const e of this.waiting) {
      if (e.visibleAt > now) d.delayed++;
      else this.waiting.delete(e);
    }
    d.ready = this.byId.size - d.inFlight - d.delayed;
    if (d.ready > 0) {
      // Enqueue order is age order: the first ready entry is the oldest.
      for (const e of this.byId.values()) {
        if (e.visibleAt <= now) {
          d.oldestReadyAgeMs = now - e.enqueuedAt;
          break;
        }
      }
    }
    return d;
  }

  /**
   * Takes an entry that no claim may take again (a spent lease, an expired message) out of the
   * claim order. It stays in the queue, counted in its depth, until the sweep dead-letters it.
   */
  setAside(e: MemoryEntry): void {
    this.claimOrder.remove(e);
  }
}
