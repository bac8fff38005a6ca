import { closedLoop, openLoop } from './load';
import { Recorder, nowMs, round, sleep } from './stats';
import type { Sample } from './types';

/** What an end-to-end subject provides: a fresh queue, a publish, and consumers. */
export interface E2EDriver {
  /** A fresh, empty queue for this run; returns its name. */
  prepare(rep: number, mode: string): Promise<string>;
  /** Publishes one 1 KiB message stamped with its send time. */
  publish(queue: string, seq: number, worker: number): Promise<number>;
  /**
   * Starts `consumers` consumers; each calls `onDelivered(sendTimes, receivedAt)` after acking a
   * batch, `receivedAt` being when the batch reached the consumer (before its ack; default: now).
   * Returns a function that stops them all and resolves when they have stopped.
   */
  consume(
    queue: string,
    consumers: number,
    onDelivered: (sendTimes: number[], receivedAt?: number) => void,
  ): Promise<() => Promise<ConsumerErrors>>;
  cleanup(queue: string): Promise<void>;
}

export interface ConsumerErrors {
  errors: number;
  firstError?: string;
}

export interface E2EOptions {
  warmupMs: number;
  durationMs: number;
  drainMs: number;
  consumers: number;
  /** A fixed offered rate (open loop), or saturation with `concurrency` publishers (closed loop). */
  rate?: number;
  concurrency: number;
}

/**
 * Publish → receive → ack. Throughput counts deliveries acked inside the measuring window;
 * latency is publish-to-delivery for the messages sent inside it. After publishing stops the
 * consumers drain for at most `drainMs`; what never arrives is reported as undelivered.
 */
export async function runE2E(driver: E2EDriver, rep: number, o: E2EOptions): Promise<Sample> {
  const queue = await driver.prepare(rep, o.rate ? `r${o.rate}` : 'sat');
  const start = nowMs();
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.durationMs;
  const lat = new Recorder();
  let published = 0;
  let delivered = 0;
  let inWindow = 0;
  let seq = 0;

  const stop = await driver.consume(queue, o.consumers, (times, receivedAt) => {
    const now = nowMs();
    delivered += times.length;
    if (now >= measureFrom && now <= end) inWindow += times.length;
    const at = receivedAt ?? now;
    for (const t of times) if (t >= measureFrom && t <= end) lat.record(at - t);
  });
  const op = async (w: number) => {
    const n = await driver.publish(queue, seq++, w);
    published += n;
    return n;
  };
  const window = { warmupMs: o.warmupMs, durationMs: o.durationMs };
  let pub;
  try {
    pub = o.rate
      ? await openLoop({ ...window, rate: o.rate, maxInFlight: o.concurrency, op })
      : await closedLoop({ ...window, concurrency: o.concurrency, op });
    const drainUntil = nowMs() + o.drainMs;
    while (delivered < published && nowMs() < drainUntil) await sleep(25);
  } catch (e) {
    await stop();
    throw e;
  }
  const consumed = await stop();
  await driver.cleanup(queue).catch(() => {});
  if (pub.errors && published === 0) throw new Error(`publish failed: ${pub.firstError}`);
  if (delivered === 0 && consumed.errors) throw new Error(`consume failed: ${consumed.firstError}`);
  if (inWindow === 0) throw new Error(`nothing was delivered in the window (published ${published}, delivered ${delivered})`);
  return {
    value: round(inWindow / (o.durationMs / 1000)),
    unit: 'msg/s',
    latency: lat.summary(),
    errors: pub.errors + consumed.errors,
    extra: {
      publishRate: round(pub.value),
      published,
      delivered,
      undelivered: Math.max(0, published - delivered),
      ...(o.rate ? { offeredRate: o.rate } : {}),
      ...(pub.firstError ? { firstError: pub.firstError } : {}),
      ...(consumed.firstError ? { firstConsumeError: consumed.firstError } : {}),
    },
  };
}
