/**
 * Group commit: concurrent submissions are written together. The first submission flushes at
 * once; while a flush runs, later ones collect and go in the next flush, which starts as soon as
 * a flush slot frees, before the finished batch's submitters are answered. Each submitter's
 * promise settles only when the flush that carried its item has committed (or failed), or when
 * it has waited longer than `timeout.ms` (see GroupCommitOptions).
 */
export interface GroupCommit<Item, Result> {
  submit(item: Item): Promise<Result>;
  /** Resolves when nothing is pending or in flight. */
  drain(): Promise<void>;
  /** True when nothing is pending or in flight. */
  idle(): boolean;
  readonly stats: { flushes: number; items: number; largestBatch: number };
}

export interface GroupCommitOptions {
  maxBatch?: number;
  concurrency?: number;
  onBatch?: (size: number) => void;
  /**
   * A submitter waits at most `ms`. One still queued is then taken out and never flushed
   * (`sent: false`: nothing of it was written); one whose flush is in flight is answered with the
   * error while the flush goes on (`sent: true`: it may still commit). Checked by one timer, not
   * one per submission.
   */
  timeout?: { ms: number; error: (o: { waitedMs: number; sent: boolean }) => unknown };
}

interface Pending<Item, Result> {
  item: Item;
  at: number;
  done: boolean;
  resolve: (r: Result) => void;
  reject: (e: unknown) => void;
}

export function createGroupCommit<Item, Result>(
  flush: (items: Item[]) => Promise<Result[]>,
  options: GroupCommitOptions = {},
): GroupCommit<Item, Result> {
  const maxBatch = options.maxBatch ?? 2000;
  const concurrency = options.concurrency ?? 1;
  let queue: Pending<Item, Result>[] = [];
  const inFlight = new Set<Pending<Item, Result>[]>();
  let scheduled = false;
  let idle: (() => void)[] = [];
  const stats = { flushes: 0, items: 0, largestBatch: 0 };
  const watchdog = options.timeout && createWatchdog(options.timeout);

  const pump = () => {
    while (inFlight.size < concurrency && queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      inFlight.add(batch);
      stats.flushes++;
      stats.items += batch.length;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      options.onBatch?.(batch.length);
      const settle = (answer: () => void) => {
        inFlight.delete(batch);
        // The next batch goes out before this one's submitters are answered: answering them
        // (writing their HTTP responses) would otherwise leave the database idle in between.
        pump();
        answer();
        notifyIdle();
      };
      flush(batch.map((p) => p.item)).then(
        (results) => settle(() => batch.forEach((p, i) => answer(p, () => p.resolve(results[i]!)))),
        (error) => settle(() => batch.forEach((p) => answer(p, () => p.reject(error)))),
      );
    }
  };
  const answer = (p: Pending<Item, Result>, how: () => void) => {
    if (p.done) return;
    p.done = true;
    how();
  };
  const notifyIdle = () => {
    if (inFlight.size === 0 && queue.length === 0) {
      watchdog?.stop();
      const waiting = idle;
      idle = [];
      waiting.forEach((w) => w());
    }
  };

  function createWatchdog(t: NonNullable<GroupCommitOptions['timeout']>) {
    let timer: ReturnType<typeof setInterval> | undefined;
    const expire = (p: Pending<Item, Result>, now: number, sent: boolean) => answer(p, () => p.reject(t.error({ waitedMs: Math.round(now - p.at), sent })));
    const check = () => {
      const now = performance.now();
      const limit = now - t.ms;
      // Submissions are in arrival order everywhere: stop at the first one still in time.
      for (const batch of inFlight) {
        for (const p of batch) {
          if (p.at > limit) break;
          expire(p, now, true);
        }
      }
      let late = 0;
      while (late < queue.length && queue[late]!.at <= limit) late++;
      if (late > 0) {
        const gone = queue.slice(0, late);
        queue = queue.slice(late);
        gone.forEach((p) => expire(p, now, false));
        notifyIdle();
      }
    };
    return {
      start() {
        if (timer) return;
        timer = setInterval(check, Math.max(10, Math.min(1000, t.ms / 4)));
        timer.unref?.();
      },
      stop() {
        if (timer) clearInterval(timer);
        timer = undefined;
      },
    };
  }

  return {
    stats,
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, at: watchdog ? performance.now() : 0, done: false, resolve, reject });
        watchdog?.start();
        // Flush after this turn of the event loop, so every request read in it joins the batch.
        if (inFlight.size < concurrency && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            pump();
            notifyIdle();
          });
        }
      });
    },
    idle: () => inFlight.size === 0 && queue.length === 0,
    drain() {
      if (inFlight.size === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
