/** Filling a queue with a backlog, and draining it, as the scale and PGlite cases do. */
import type { HatobaClient } from '../hatoba';
import { round } from '../stats';
import type { BenchContext, Sample } from '../types';
import { loadSample } from './common';

export const FILL_BATCH = 500;
export const FILL_CLIENTS = 4;
const DRAIN_CONSUMERS = 4;

/** Publishes `total` messages to `queue` through the batch API (no coupling to the table layout). */
export async function fill(hatoba: HatobaClient, queue: string, total: number, log: (m: string) => void): Promise<{ seconds: number; rate: number }> {
  const pool = hatoba.pool(FILL_CLIENTS);
  const started = Date.now();
  const deadline = started + 60 * 60_000;
  let next = 0;
  let lastLog = started;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const n = Math.min(FILL_BATCH, total - next);
      const seq = next;
      next += n;
      await hatoba.publishBatch(pool, queue, n, seq);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`fill ${queue}: ${next.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
      }
    }
  };
  await Promise.all(Array.from({ length: FILL_CLIENTS }, worker));
  if (total === 0) return { seconds: 0, rate: 0 };
  if (next < total) throw new Error(`fill did not finish in time (${next} of ${total})`);
  const seconds = (Date.now() - started) / 1000;
  return { seconds: round(seconds, 1), rate: round(total / seconds) };
}

/**
 * Receive 100 + ack from a queue with a backlog, 4 consumers, then top the queue up again so
 * that every run drains from the same depth.
 */
export async function drainSample(ctx: BenchContext, hatoba: HatobaClient, queue: string): Promise<Sample> {
  const pool = hatoba.pool(DRAIN_CONSUMERS);
  let taken = 0;
  let empty = 0;
  const sample = await loadSample(ctx, DRAIN_CONSUMERS, async () => {
    const got = await hatoba.receive(pool, queue, 100, 0);
    if (got.length) await hatoba.ack(pool, queue, got.map((m) => m.receipt));
    else empty++;
    taken += got.length;
    return got.length;
  });
  // A backlog that ran out measured an empty queue's polling, not draining.
  if (empty > 0) throw new Error(`the backlog of ${queue} ran out during the run (${taken} taken): make it deeper`);
  const topUp = await fill(hatoba, queue, taken, ctx.log);
  return { ...sample, extra: { ...sample.extra, consumed: taken, topUpRate: topUp.rate } };
}
