import type { Db } from '../../db/driver';
import { createRateLimiter, type RateLimit } from '../auth/rate-limit';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import type { AllowList } from './address-guard';
import { createPush, type PushOutcome } from './push';
import type { Resolver } from './push-send';
import { createSources, type Source, type SourceOutcome } from './sources';

export interface WebhooksOptions {
  db: Db;
  broker: Broker;
  node: string;
  logger: Logger;
  /** HATOBA_PUSH_ALLOW_HOSTS, parsed. */
  allow: AllowList;
  sourceRateLimit: RateLimit;
  userAgent: string;
  /** Tests only: a DNS resolver standing in for the system's. */
  resolve?: Resolver;
  onSourceOutcome?: (source: string, outcome: SourceOutcome) => void;
  onPushOutcome?: (queue: string, outcome: PushOutcome) => void;
}

/** Inbound sources and outbound push, as the gateway and the composition root use them. */
export function createWebhooks(o: WebhooksOptions) {
  const target = { allow: o.allow, ...(o.resolve ? { resolve: o.resolve } : {}) };
  const sources = createSources(o.db, o.onSourceOutcome);
  const push = createPush({ db: o.db, broker: o.broker, node: o.node, logger: o.logger, target, userAgent: o.userAgent, onOutcome: o.onPushOutcome });
  return {
    sources,
    push,
    target,
    /** The per-source token bucket (the source's own limit, else the default): not ok when the source is over its rate. */
    takeSource: sourceLimiter(o.sourceRateLimit),
    async start() {
      await sources.start();
      await push.start();
    },
    async stop() {
      await push.stop();
      await sources.stop();
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;

/**
 * Buckets per source name: sources without a `rateLimit` share the default limiter; each
 * distinct override gets its own, so changing a source's limit starts it on a full bucket.
 */
function sourceLimiter(fallback: RateLimit) {
  const byDefault = createRateLimiter(fallback);
  const overrides = new Map<string, ReturnType<typeof createRateLimiter>>();
  return function takeSource(source: Pick<Source, 'name' | 'rateLimit'>) {
    if (!source.rateLimit) return byDefault(source.name);
    const { perSecond, burst } = source.rateLimit;
    const id = `${perSecond}/${burst}`;
    let take = overrides.get(id);
    if (!take) overrides.set(id, (take = createRateLimiter({ perSecond, burst })));
    return take(source.name);
  };
}
