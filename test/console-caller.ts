import type { Broker } from '../server/broker/api';
import { createCallerFactory, type TrpcContext } from '../server/trpc/init';
import { appRouter } from '../server/trpc/router';
import type { Driver } from './databases';

const createCaller = createCallerFactory(appRouter);

/** The dashboard API called in-process as the console would, auth off (admin), unless `over` says otherwise. */
export function consoleCaller(broker: Broker, driver: Driver, over: Partial<TrpcContext> = {}) {
  return createCaller({ broker, runtime: { version: '0.0.0', node: 'test-node', database: driver }, actor: 'local', scopes: ['admin'], ip: null, ...over });
}

export type ConsoleCaller = ReturnType<typeof consoleCaller>;
