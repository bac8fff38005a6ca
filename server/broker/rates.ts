/**
 * Per-name event rates over a sliding window of one-second buckets, for "publishRate" and the
 * like. In-process: each node counts what it saw (live-figures.ts adds up the cluster's).
 */
export class RateMeter {
  private readonly buckets = new Map<string, Float64Array>();
  private readonly stamps = new Map<string, Float64Array>();

  constructor(
    private readonly windowS = 60,
    private readonly now: () => number = Date.now,
  ) {}

  add(name: string, n = 1): void {
    const second = Math.floor(this.now() / 1000);
    let b = this.buckets.get(name);
    let s = this.stamps.get(name);
    if (!b || !s) {
      this.buckets.set(name, (b = new Float64Array(this.windowS)));
      this.stamps.set(name, (s = new Float64Array(this.windowS)));
    }
    const i = second % this.windowS;
    if (s[i] !== second) {
      s[i] = second;
      b[i] = 0;
    }
    b[i]! += n;
  }

  /** Events per second over the last complete window seconds (the current second excluded). */
  rate(name: string): number {
    return Math.round(this.perSecond(name) * 100) / 100;
  }

  /** The same, not rounded: for adding up several nodes' rates before rounding once. */
  perSecond(name: string): number {
    const b = this.buckets.get(name);
    const s = this.stamps.get(name);
    if (!b || !s) return 0;
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.windowS; i++) if (s[i]! < second && s[i]! >= second - this.windowS) total += b[i]!;
    return total / this.windowS;
  }

  /** The names counted within the window; names with nothing in it are forgotten. */
  names(): string[] {
    const oldest = Math.floor(this.now() / 1000) - this.windowS;
    const live: string[] = [];
    for (const [name, s] of this.stamps) {
      if (s.some((at) => at >= oldest)) live.push(name);
      else this.delete(name);
    }
    return live;
  }

  /** Forgets a name at once (what it counted is no longer wanted). */
  delete(name: string): void {
    this.stamps.delete(name);
    this.buckets.delete(name);
  }
}
