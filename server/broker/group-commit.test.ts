import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit';

describe('group commit', () => {
  it('writes concurrent submissions together and answers each after its flush', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = createGroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 5)); // the first flush is now running
    const rest = [2, 3, 4].map((i) => gc.submit(i));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('a failed flush rejects every submission in it and the next flush still runs', async () => {
    let calls = 0;
    const gc = createGroupCommit<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('disk on fire');
      return items;
    });
    const a = gc.submit(1);
    const b = gc.submit(2);
    await expect(a).rejects.toThrow('disk on fire');
    await expect(b).rejects.toThrow('disk on fire');
    expect(await gc.submit(3)).toBe(3);
    await gc.drain();
  });

  it('splits batches at maxBatch', async () => {
    const sizes: number[] = [];
    const gc = createGroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('sends the next batch before answering the finished one', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = createGroupCommit<number, number>(async (items) => {
      order.push(`flush ${items.join(',')}`);
      if (items[0] === 1) await gate;
      return items;
    });
    const first = gc.submit(1).then(() => order.push('answered 1'));
    await new Promise((r) => setTimeout(r, 5)); // the first flush is now running
    const second = gc.submit(2).then(() => order.push('answered 2'));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['flush 1', 'flush 2', 'answered 1', 'answered 2']);
  });

  it('drain resolves only after the last batch was answered', async () => {
    const order: string[] = [];
    const gc = createGroupCommit<number, number>(async (items) => items);
    const done = gc.submit(1).then(() => order.push('answered'));
    await gc.drain().then(() => order.push('drained'));
    await done;
    expect(order).toEqual(['answered', 'drained']);
    expect(gc.idle()).toBe(true);
  });
});
