import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or less if `signal` aborts first; never rejects. Node's timer takes its abort
 * listener off again when it fires: a loop that pauses thousands of times on one long-lived
 * signal (a push loop, the demo's services) keeps no listener per pause.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
