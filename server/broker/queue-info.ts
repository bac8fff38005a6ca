import type { QueueInfo } from './api';
import type { QueueLive } from './live-figures';
import type { Queue, QueueDepth } from './types';

/** A queue as the API lists it: its settings, its depth, and the cluster's live figures (live-figures.ts). */
export function queueInfo(q: Queue, d: QueueDepth | undefined, live: QueueLive): QueueInfo {
  return {
    name: q.name,
    settings: q.settings,
    ready: d?.ready ?? 0,
    inFlight: d?.inFlight ?? 0,
    delayed: d?.delayed ?? 0,
    oldestReadyAgeMs: d?.oldestReadyAgeMs ?? null,
    ...live,
  };
}
