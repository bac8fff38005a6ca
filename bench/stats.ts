import type { LatencySummary, Sample } from './types';

/** Latency samples in milliseconds; percentiles from the sorted sample. Bounded in memory. */
export class Recorder {
  private data = new Float64Array(1 << 14);
  private n = 0;
  private dropped = 0;
  private maxSeen = 0;

  constructor(private readonly cap = 4_000_000) {}

  record(ms: number): void {
    if (ms > this.maxSeen) this.maxSeen = ms;
    if (this.n >= this.cap) {
      this.dropped++;
      return;
    }
    if (this.n === this.data.length) {
      const next = new Float64Array(Math.min(this.cap, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = ms;
  }

  get count(): number {
    return this.n + this.dropped;
  }

  summary(): LatencySummary | undefined {
    if (this.n === 0) return undefined;
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q: number) => sorted[Math.min(this.n - 1, Math.floor(q * this.n))]!;
    return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(this.maxSeen), count: this.count };
  }
}

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The median of each figure across runs (each percentile separately). */
export function medianSample(samples: Sample[]): Sample | undefined {
  if (samples.length === 0) return undefined;
  const first = samples[0]!;
  const lat = samples.map((s) => s.latency).filter((l): l is LatencySummary => !!l);
  return {
    value: round(median(samples.map((s) => s.value))),
    unit: first.unit,
    errors: samples.reduce((a, s) => a + (s.errors ?? 0), 0),
    latency:
      lat.length === 0
        ? undefined
        : {
            p50: round(median(lat.map((l) => l.p50))),
            p99: round(median(lat.map((l) => l.p99))),
            max: round(median(lat.map((l) => l.max))),
            count: Math.round(median(lat.map((l) => l.count))),
          },
  };
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the process. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
