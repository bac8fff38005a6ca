import type { QueueInfoView } from '@/server/trpc/schemas';

/** Default settings of a durable queue, for tests of what the dashboard makes of queue figures. */
const defaultSettings: QueueInfoView['settings'] = {
  durability: 'durable',
  maxDeliveries: 5,
  visibilityTimeoutMs: 30_000,
  retry: { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 },
  deadLetter: {},
  messageTtlMs: null,
  maxLength: null,
};

/** A queue as the list shows it: idle with one consumer, unless `over` says otherwise. */
export function queueView(name: string, over: Partial<QueueInfoView> = {}): QueueInfoView {
  return { name, settings: defaultSettings, ready: 0, inFlight: 0, delayed: 0, consumers: 1, publishRate: 0, deliverRate: 0, ackRate: 0, oldestReadyAgeMs: null, ...over };
}
