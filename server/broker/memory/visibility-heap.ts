/** What the heap orders: when an entry is visible next, then its id (enqueue order). */
export interface HeapItem {
  id: number;
  visibleAt: number;
  /** The item's position in its heap, -1 when in none. The heap keeps it. */
  slot: number;
}

const before = (a: HeapItem, b: HeapItem) => a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.id < b.id);

/**
 * A binary min-heap of a memory queue's entries in the order a claim takes them, as the durable
 * tier's claim does (`ORDER BY visible_at, id`). Each item knows its slot, so an ack or a
 * new visibility moves one item in O(log n) instead of a walk of the queue.
 */
export class VisibilityHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.slot = this.items.length;
    this.items.push(item);
    this.up(item.slot);
  }

  /** Takes `item` out; does nothing when it is in no heap. */
  remove(item: T): void {
    const at = item.slot;
    if (at < 0 || this.items[at] !== item) return;
    const last = this.items.pop()!;
    item.slot = -1;
    if (last === item) return;
    this.items[at] = last;
    last.slot = at;
    this.down(at);
    this.up(last.slot);
  }

  /** Sets the item's visibility and puts it back in order (pushes it when it is in no heap). */
  setVisibleAt(item: T, visibleAt: number): void {
    if (item.slot < 0 || this.items[item.slot] !== item) {
      item.visibleAt = visibleAt;
      this.push(item);
      return;
    }
    const earlier = visibleAt < item.visibleAt;
    item.visibleAt = visibleAt;
    if (earlier) this.up(item.slot);
    else this.down(item.slot);
  }

  private up(at: number): void {
    const items = this.items;
    const item = items[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[at] = items[parent]!;
      items[at]!.slot = at;
      at = parent;
    }
    items[at] = item;
    item.slot = at;
  }

  private down(at: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[at]!;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, item)) break;
      items[at] = items[child]!;
      items[at]!.slot = at;
      at = child;
    }
    items[at] = item;
    item.slot = at;
  }
}
