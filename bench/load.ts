import { Recorder, nowMs, sleep } from './stats';
import type { Sample } from './types';

/** One operation of a load: resolves to how many messages it carried (1, or 100 for a batch). */
export type Op = (worker: number) => Promise<number>;

export interface LoadWindow {
  warmupMs: number;
  durationMs: number;
  /** Hard cap on operations started, so no loop runs unbounded even if time misbehaves. */
  maxOps?: number;
}

export interface LoadOutcome extends Sample {
  ops: number;
  messages: number;
  errors: number;
  firstError?: string;
}

const DEFAULT_MAX_OPS = 50_000_000;

/**
 * Closed loop: `concurrency` workers each issue the next operation as soon as the previous one
 * answers. Operations that complete inside the measuring window (after the warm-up) count;
 * their latency is recorded.
 */
export async function closedLoop(opts: LoadWindow & { concurrency: number; op: Op }): Promise<LoadOutcome> {
  const start = nowMs();
  const measureFrom = start + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  const maxOps = opts.maxOps ?? DEFAULT_MAX_OPS;
  const lat = new Recorder();
  let started = 0;
  let ops = 0;
  let messages = 0;
  let errors = 0;
  let firstError: string | undefined;

  const worker = async (w: number) => {
    while (nowMs() < end && started < maxOps) {
      started++;
      const t0 = nowMs();
      try {
        const n = await opts.op(w);
        const t1 = nowMs();
        if (t1 >= measureFrom && t1 <= end) {
          ops++;
          messages += n;
          lat.record(t1 - t0);
        }
      } catch (e) {
        errors++;
        firstError ??= String((e as Error)?.message ?? e);
        // A failing subject must not spin: back off a little before the next try.
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  return finish(messages, ops, errors, opts.durationMs, lat, firstError);
}

/**
 * Open loop at a fixed offered rate: operations start on schedule whether or not earlier
 * ones have answered, up to `maxInFlight` outstanding (beyond that the schedule slips, and
 * the achieved rate shows it).
 */
export async function openLoop(
  opts: LoadWindow & { rate: number; maxInFlight: number; op: Op },
): Promise<LoadOutcome & { started: number }> {
  const start = nowMs();
  const measureFrom = start + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  const maxOps = opts.maxOps ?? DEFAULT_MAX_OPS;
  const lat = new Recorder();
  let started = 0;
  let inFlight = 0;
  let ops = 0;
  let messages = 0;
  let errors = 0;
  let firstError: string | undefined;
  const pending = new Set<Promise<void>>();

  const launch = (w: number) => {
    started++;
    inFlight++;
    const t0 = nowMs();
    const p: Promise<void> = Promise.resolve()
      .then(() => opts.op(w))
      .then(
        (n) => {
          const t1 = nowMs();
          if (t1 >= measureFrom && t1 <= end) {
            ops++;
            messages += n;
            lat.record(t1 - t0);
          }
        },
        (e) => {
          errors++;
          firstError ??= String((e as Error)?.message ?? e);
        },
      )
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  while (nowMs() < end && started < maxOps) {
    const due = Math.floor(((nowMs() - start) / 1000) * opts.rate);
    while (started < due && inFlight < opts.maxInFlight && started < maxOps) launch(started % opts.maxInFlight);
    await sleep(2);
  }
  await Promise.all([...pending]);
  return { ...finish(messages, ops, errors, opts.durationMs, lat, firstError), started };
}

function finish(messages: number, ops: number, errors: number, durationMs: number, lat: Recorder, firstError?: string): LoadOutcome {
  return {
    value: messages / (durationMs / 1000),
    unit: 'msg/s',
    latency: lat.summary(),
    errors,
    ops,
    messages,
    firstError,
  };
}
