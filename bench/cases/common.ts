import { closedLoop, type Op } from '../load';
import { round } from '../stats';
import type { BenchContext, Measurement, Sample, Subject } from '../types';

/** Runs a closed-loop load for the context's warm-up and duration; too many errors fail it. */
export async function loadSample(ctx: BenchContext, concurrency: number, op: Op): Promise<Sample> {
  const r = await closedLoop({ warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, concurrency, op });
  if (r.messages === 0 || r.errors > 0.01 * (r.ops + r.errors)) {
    throw new Error(`${r.errors} errors, ${r.messages} messages; first error: ${r.firstError ?? 'none'}`);
  }
  return {
    value: round(r.value),
    unit: r.unit,
    latency: r.latency,
    errors: r.errors,
    extra: { requestsPerSecond: round(r.ops / (ctx.durationMs / 1000)), ...(r.firstError ? { firstError: r.firstError } : {}) },
  };
}

/** A measurement, or its skipped stand-in when `down` names why the subject is unavailable. */
export function measurement(
  m: Omit<Measurement, 'run' | 'skip'>,
  down: string | undefined,
  run: (rep: number) => Promise<Sample>,
): Measurement {
  return down ? { ...m, skip: down } : { ...m, run };
}

export const isPeer = (s: Subject) => s !== 'hatoba';

/** Collects teardown steps; runs them in reverse, each failure ignored. */
export class Teardown {
  private steps: (() => Promise<unknown>)[] = [];
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  run = async (): Promise<void> => {
    for (const s of this.steps.reverse()) await s().catch(() => {});
    this.steps = [];
  };
}
