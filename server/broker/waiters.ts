/**
 * Long-poll wake-ups: a receive with nothing ready waits here until a publish (local, or from
 * another node via NOTIFY) says its queue has news, or its timer runs out.
 */
export class Waiters {
  private readonly byQueue = new Map<string, Set<() => void>>();
  /** Wake-ups so far, per queue and for all queues: a wake that came before `wait` is not lost. */
  private readonly woken = new Map<string, number>();
  private wokenAll = 0;

  /** Take this before looking at the queue and pass it to `wait`: a wake-up since then ends the wait at once. */
  stamp(queue: string): number {
    return (this.woken.get(queue) ?? 0) + this.wokenAll;
  }

  /**
   * Resolves true when woken (also when woken since `since`), false on timeout or abort.
   * `onWait` receives the function that ends this wait as woken (a handoff ticket calls it).
   */
  wait(queue: string, ms: number, signal?: AbortSignal, since?: number, onWait?: (wake: () => void) => void): Promise<boolean> {
    // An abort listener added to an already aborted signal never fires: without this, a poll
    // aborted between its last check and this wait would sleep out its whole timer.
    if (signal?.aborted) return Promise.resolve(false);
    if (since !== undefined && this.stamp(queue) !== since) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.byQueue.get(queue);
      if (!set) this.byQueue.set(queue, (set = new Set()));
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set!.delete(wake);
        if (set!.size === 0 && this.byQueue.get(queue) === set) this.byQueue.delete(queue);
        resolve(woken);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, ms));
      set.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      onWait?.(wake);
    });
  }

  wake(queues: Iterable<string> | '*'): void {
    if (queues === '*') this.wokenAll++;
    const names = queues === '*' ? [...this.byQueue.keys()] : queues;
    for (const q of names) {
      if (queues !== '*') this.woken.set(q, (this.woken.get(q) ?? 0) + 1);
      for (const w of [...(this.byQueue.get(q) ?? [])]) w();
    }
  }

  wakeAll(): void {
    this.wake('*');
  }

  count(queue: string): number {
    return this.byQueue.get(queue)?.size ?? 0;
  }

  /** The queues with a long poll waiting now. */
  queues(): string[] {
    return [...this.byQueue.keys()];
  }
}
