import type { Death, StoredMessage } from '../types';
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
 * One memory queue's entries, indexed three ways so that no per-message operation walks the
 * queue: by id in enqueue order (receipts, max length, TTL), in claim order (a heap by
 * visibility, then id), and the leased ones apart (the sweep of spent leases). Every change
 * of an entry's lease or visibility goes through here, so the three agree.
 */
export class MemoryQueue {
  private readonly byId = new Map<number, MemoryEntry>();
  private readonly claimOrder = new VisibilityHeap<MemoryEntry>();
  private readonly leasedEntries = new Set<MemoryEntry>();

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
  }

  /** Takes the entry out; false when it was not here. */
  delete(e: MemoryEntry): boolean {
    if (!this.byId.delete(e.id)) return false;
    this.claimOrder.remove(e);
    this.leasedEntries.delete(e);
    return true;
  }

  /** The entry a claim looks at next: the earliest visible, ready or not. */
  next(): MemoryEntry | undefined {
    return this.claimOrder.peek();
  }

  lease(e: MemoryEntry, lease: string, visibleAt: number): void {
    this.leasedEntries.add(e);
    e.lease = lease;
    this.claimOrder.setVisibleAt(e, visibleAt);
  }

  unlease(e: MemoryEntry, visibleAt: number): void {
    this.leasedEntries.delete(e);
    e.lease = null;
    this.claimOrder.setVisibleAt(e, visibleAt);
  }

  setVisibleAt(e: MemoryEntry, visibleAt: number): void {
    this.claimOrder.setVisibleAt(e, visibleAt);
  }

  /**
   * Takes an entry that no claim may take again (a spent lease, an expired message) out of the
   * claim order. It stays in the queue, counted in its depth, until the sweep dead-letters it.
   */
  setAside(e: MemoryEntry): void {
    this.claimOrder.remove(e);
  }
}
