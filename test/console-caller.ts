import type { Db } from '../db/driver';
import { createSecurity, type Security } from '../server/auth';
import type { Broker } from '../server/broker/api';
import { createCallerFactory, type TrpcContext } from '../server/trpc/init';
import { appRouter } from '../server/trpc/router';
import type { Driver } from './databases';
import { silent } from './silent-logger';

const createCaller = createCallerFactory(appRouter);

/** The dashboard API called in-process as the console would, auth off (admin), unless `over` says otherwise. */
export function consoleCaller(broker: Broker, driver: Driver, over: Partial<TrpcContext> = {}) {
  return createCaller({ broker, runtime: { version: '0.0.0', node: 'test-node', database: driver }, actor: 'local', scopes: ['admin'], ip: null, ...over });
}

export type ConsoleCaller = ReturnType<typeof consoleCaller>;

/** Keys, sessions and the audit log over the test's database, started: auth on unless `enabled` is false, no key rate limit. */
export async function startSecurity(db: Db, enabled = true): Promise<Security> {
  const security = createSecurity({ db, enabled, keyRateLimit: { perSecond: 0, burst: 0 }, sessionTtlMs: 60_000, logger: silent });
  await security.start();
  return security;
}
