import { initTRPC } from '@trpc/server';
import type { Broker } from '../broker/api';
import type { HatobaRuntime } from '../runtime';
import { brokerCode, toTrpcError } from './errors';

/** What every procedure sees: this process's broker and identity (server/runtime.ts). */
export interface TrpcContext {
  broker: Broker;
  runtime: Pick<HatobaRuntime, 'version' | 'node' | 'database'>;
}

const t = initTRPC.context<TrpcContext>().create({
  // Stack traces never travel: the dashboard shows the message, the server log has the rest.
  isDev: false,
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, stack: undefined, brokerCode: brokerCode(error) } };
  },
});

/** Maps broker errors once, for every procedure (DESIGN.md habit 3). */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  // Input validation and deliberate TRPCErrors keep their code; what the procedure threw
  // arrives wrapped as INTERNAL_SERVER_ERROR with the original as its cause.
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') throw toTrpcError(result.error.cause ?? result.error);
  return result;
});

export const router = t.router;
export const procedure = t.procedure.use(mapErrors);
export const createCallerFactory = t.createCallerFactory;
