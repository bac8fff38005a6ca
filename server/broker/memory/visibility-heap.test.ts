import { describe, expect, it } from 'vitest';
import { VisibilityHeap, type HeapItem } from './visibility-heap';

const item = (id: number, visibleAt: number): HeapItem => ({ id, visibleAt, slot: -1 });
const order = (a: HeapItem, b: HeapItem) => a.visibleAt - b.visibleAt || a.id - b.id;

/** Empties the heap by taking its top each time. */
function takeAll(heap: VisibilityHeap<HeapItem>): HeapItem[] {
  const out: HeapItem[] = [];
  for (let top = heap.peek(); top; top = heap.peek()) {
    out.push(top);
    heap.remove(top);
  }
  return out;
}

describe('VisibilityHeap', () => {
  it('gives items by visibility, then by id', () => {
    const heap = new VisibilityHeap<HeapItem>();
    const items = [item(3, 10), item(1, 10), item(2, 5), item(4, 0), item(5, 10)];
    items.forEach((i) => heap.push(i));
    expect(takeAll(heap).map((i) => i.id)).toEqual([4, 2, 1, 3, 5]);
    expect(items.every((i) => i.slot === -1)).toBe(true);
  });

  it('keeps its order through random pushes, removals and new visibilities (checked against a sorted list)', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const heap = new VisibilityHeap<HeapItem>();
    const live = new Set<HeapItem>();
    let nextId = 1;
    for (let step = 0; step < 20_000; step++) {
      const op = rand(10);
      const members = [...live];
      if (op < 4 || members.length === 0) {
        const it = item(nextId++, rand(1000));
        heap.push(it);
        live.add(it);
      } else if (op < 6) {
        const it = members[rand(members.length)]!;
        heap.remove(it);
        live.delete(it);
        expect(it.slot).toBe(-1);
      } else if (op < 9) {
        heap.setVisibleAt(members[rand(members.length)]!, rand(1000));
      } else {
        const top = heap.peek()!;
        expect(top).toBe([...live].sort(order)[0]);
      }
      expect(heap.size).toBe(live.size);
    }
    expect(takeAll(heap)).toEqual([...live].sort(order));
  });

  it('ignores removing an item it does not hold, and pushes an item given a visibility while in no heap', () => {
    const a = new VisibilityHeap<HeapItem>();
    const b = new VisibilityHeap<HeapItem>();
    const x = item(1, 5);
    const y = item(2, 1);
    a.push(x);
    b.push(y);
    b.remove(x); // x sits in a at the same slot as y in b
    expect(b.peek()).toBe(y);
    a.remove(x);
    a.remove(x);
    expect(a.size).toBe(0);
    a.setVisibleAt(x, 7);
    expect(a.peek()).toBe(x);
    expect(x.visibleAt).toBe(7);
  });
});
