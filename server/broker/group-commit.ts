/**
 * Group commit: concurrent submissions are written together. The first submission flushes at
 * once; while a flush runs, later ones collect and go in the next flush, which starts as soon as
 * a flush slot frees, before the finished batch's submitters are answered. Each submitter's
 * promise settles only when the flush that carried its item has committed (or failed).
 */
export interface GroupCommit<Item, Result> {
  submit(item: Item): Promise<Result>;
  /** Resolves when nothing is pending or in flight. */
  drain(): Promise<void>;
  /** True when nothing is pending or in flight. */
  idle(): boolean;
  readonly stats: { flushes: number; items: number; largestBatch: number };
}

interface Pending<Item, Result> {
  item: Item;
  resolve: (r: Result) => void;
  reject: (e: unknown) => void;
}

export function createGroupCommit<Item, Result>(
  flush: (items: Item[]) => Promise<Result[]>,
  options: { maxBatch?: number; concurrency?: number; onBatch?: (size: number) => void } = {},
): GroupCommit<Item, Result> {
  const maxBatch = options.maxBatch ?? 2000;
  const concurrency = options.concurrency ?? 1;
  let queue: Pending<Item, Result>[] = [];
  let running = 0;
  let scheduled = false;
  let idle: (() => void)[] = [];
  const stats = { flushes: 0, items: 0, largestBatch: 0 };

  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      running++;
      stats.flushes++;
      stats.items += batch.length;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      options.onBatch?.(batch.length);
      const settle = (answer: () => void) => {
        running--;
        // The next batch goes out before this one's submitters are answered: answering them
        // (writing their HTTP responses) would otherwise leave the database idle in between.
        pump();
        answer();
        notifyIdle();
      };
      flush(batch.map((p) => p.item)).then(
        (results) => settle(() => batch.forEach((p, i) => p.resolve(results[i]!))),
        (error) => settle(() => batch.forEach((p) => p.reject(error))),
      );
    }
  };
  const notifyIdle = () => {
    if (running === 0 && queue.length === 0) {
      const waiting = idle;
      idle = [];
      waiting.forEach((w) => w());
    }
  };

  return {
    stats,
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // Flush after this turn of the event loop, so every request read in it joins the batch.
        if (running < concurrency && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            pump();
            notifyIdle();
          });
        }
      });
    },
    idle: () => running === 0 && queue.length === 0,
    drain() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
