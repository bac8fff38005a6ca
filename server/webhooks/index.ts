import type { Db } from '../../db/driver';
import { createRateLimiter, type RateLimit } from '../auth/rate-limit';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import type { AllowList } from './address-guard';
import { createPush, type PushOutcome } from './push';
import type { Resolver } from './push-send';
import { createSources, type SourceOutcome } from './sources';

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
    /** The per-source token bucket: false when the source is over its rate. */
    takeSource: createRateLimiter(o.sourceRateLimit),
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
