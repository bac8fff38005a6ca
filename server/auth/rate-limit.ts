/**
 * Token buckets in memory, one per key (an API key's id, a source's name): `perSecond` tokens
 * flow in up to `burst`; a request takes one. Per process: with several nodes behind a load
 * balancer each node allows the rate. Idle buckets are forgotten so the map stays small.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type Take = { ok: true } | { ok: false; retryAfterS: number };

export function createRateLimiter(limit: RateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweptAt = now();
  const off = limit.perSecond <= 0;

  return function take(key: string): Take {
    if (off) return { ok: true };
    const t = now();
    // A bucket idle long enough to be full again is the same as no bucket.
    if (t - sweptAt > 60_000) {
      const full = (limit.burst / limit.perSecond) * 1000;
      for (const [k, b] of buckets) if (t - b.at >= full) buckets.delete(k);
      sweptAt = t;
    }
    const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond)) };
  };
}
