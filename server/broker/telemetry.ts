import type { DeathReason } from './types';

/**
 * What the broker reports as it works; metrics (server/metrics.ts) and the rate meters
 * listen. Calls are synchronous and cheap: implementations only count.
 */
export interface Telemetry {
  published(exchange: string, count: number): void;
  /** Seconds from a publish request to its answer (one per request). */
  publishDuration(seconds: number): void;
  routed(queue: string, count: number): void;
  /** `ageMs` per delivery: publish-to-delivery latency for first attempts. */
  delivered(queue: string, firstAttemptAgesMs: number[], count: number): void;
  acked(queue: string, count: number): void;
  nacked(queue: string, count: number): void;
  /** `count` entries of `queue` died; `arrivals` counts them per queue they arrived in (none when dropped). */
  deadLettered(queue: string, reason: DeathReason, count: number, arrivals: ReadonlyMap<string, number>): void;
  replayed(queue: string, count: number): void;
  groupCommit(batchSize: number): void;
}

export const noTelemetry: Telemetry = {
  published() {},
  publishDuration() {},
  routed() {},
  delivered() {},
  acked() {},
  nacked() {},
  deadLettered() {},
  replayed() {},
  groupCommit() {},
};

/** Calls every listener. */
export function fanOut(...listeners: Telemetry[]): Telemetry {
  const all = <K extends keyof Telemetry>(k: K) =>
    ((...args: Parameters<Telemetry[K]>) => {
      for (const l of listeners) (l[k] as (...a: Parameters<Telemetry[K]>) => void)(...args);
    }) as Telemetry[K];
  return {
    published: all('published'),
    publishDuration: all('publishDuration'),
    routed: all('routed'),
    delivered: all('delivered'),
    acked: all('acked'),
    nacked: all('nacked'),
    deadLettered: all('deadLettered'),
    replayed: all('replayed'),
    groupCommit: all('groupCommit'),
  };
}
