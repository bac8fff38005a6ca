import { describe, expect, it, vi } from 'vitest';
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

  describe('with a timeout', () => {
    const timeout = { ms: 40, error: (o: { waitedMs: number; sent: boolean }) => Object.assign(new Error('too slow'), o) };

    it('answers a submitter whose flush hangs with the error (sent: true), and a queued one too (sent: false), never flushing it', async () => {
      const flushed: number[][] = [];
      let release!: (r: number[]) => void;
      const gc = createGroupCommit<number, number>(
        (items) => {
          flushed.push(items);
          return new Promise<number[]>((r) => (release = r)); // the database never answers, until released
        },
        { timeout },
      );
      const first = gc.submit(1).catch((e) => e);
      await new Promise((r) => setTimeout(r, 5)); // its flush is now in flight; the next must queue
      const second = gc.submit(2).catch((e) => e);
      const [a, b] = await Promise.all([first, second]);
      expect(a).toMatchObject({ message: 'too slow', sent: true });
      expect(a.waitedMs).toBeGreaterThanOrEqual(40);
      expect(b).toMatchObject({ message: 'too slow', sent: false });
      expect(gc.idle()).toBe(false); // the hung flush still runs
      release([10]); // the database answers late: nobody is answered twice, the queued item stays unwritten
      await gc.drain();
      expect(flushed).toEqual([[1]]);
      expect(gc.idle()).toBe(true);
      // Later submissions are flushed as usual (and time out in their turn while it hangs).
      expect(await gc.submit(3).catch((e) => e)).toMatchObject({ sent: true });
      expect(flushed).toEqual([[1], [3]]);
    });

    it('leaves submitters answered in time alone, and stops its timer once idle', async () => {
      const started = vi.spyOn(globalThis, 'setInterval');
      const stopped = vi.spyOn(globalThis, 'clearInterval');
      try {
        const gc = createGroupCommit<number, number>(async (items) => items.map((i) => i * 2), { timeout });
        expect(await Promise.all([1, 2, 3].map((i) => gc.submit(i)))).toEqual([2, 4, 6]);
        await gc.drain();
        expect(gc.idle()).toBe(true);
        // One watchdog for the whole burst, not one per submission, and none left running when idle.
        expect(started).toHaveBeenCalledTimes(1);
        expect(stopped).toHaveBeenCalledWith(started.mock.results[0]!.value);
      } finally {
        started.mockRestore();
        stopped.mockRestore();
      }
    });
  });
});
