import { initTRPC, TRPCError } from '@trpc/server';
import type { Security } from '../auth';
import { covers, needs } from '../auth/scopes';
import type { Broker } from '../broker/api';
import type { HatobaRuntime } from '../runtime';
import { brokerCode, toTrpcError } from './errors';

/** What every procedure sees: this process's broker and identity (server/runtime.ts), and who is asking. */
export interface TrpcContext {
  broker: Broker;
  runtime: Pick<HatobaRuntime, 'version' | 'node' | 'database' | 'cluster' | 'push' | 'sources'>;
  /** `session:operator`, `key:<name>`, `admin-token`, or `local` when auth is off. */
  actor: string;
  /** What the principal may do (server/auth/scopes.ts); `admin` for sessions and when auth is off. */
  scopes: string[];
  /** The client's address, for the audit log. */
  ip: string | null;
  /** Keys and the audit log (server/auth); absent in a process that registered none. */
  security?: Security;
}

/**
 * How a mutation appears in the audit log: the same `<thing>.<verb>` names the HTTP gateway
 * records for the same actions (server/gateway/routes-*.ts), so one filter finds both.
 * `target` and `detail` see the procedure's raw (validated) input and its output.
 */
export interface AuditMeta {
  action: string;
  target: (input: any, output: any) => string;
  detail?: (input: any, output: any) => Record<string, unknown> | null;
}

export interface TrpcMeta {
  /** Required on every mutation (router.test.ts checks): a console action that changes state is recorded. */
  audit?: AuditMeta;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<TrpcMeta>()
  .create({
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

/** Records each successful audited mutation once, here, instead of in every procedure. */
const auditMutations = t.middleware(async ({ ctx, meta, type, next, getRawInput }) => {
  const result = await next();
  if (type === 'mutation' && meta?.audit && result.ok && ctx.security) {
    const input = await getRawInput();
    const { action, target, detail } = meta.audit;
    await ctx.security.audit.record({
      actor: ctx.actor,
      action,
      target: target(input, result.data),
      detail: detail ? detail(input, result.data) : null,
      ip: ctx.ip,
    });
  }
  return result;
});

/** Keys and the audit log need `admin`, as their /v1 routes do; `manage` reaches the rest of the console. */
const requireAdmin = t.middleware(({ ctx, next }) => {
  if (!covers(ctx.scopes, needs.admin)) throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs the admin scope' });
  return next();
});

export const router = t.router;
export const procedure = t.procedure.use(mapErrors).use(auditMutations);
export const adminProcedure = procedure.use(requireAdmin);
export const createCallerFactory = t.createCallerFactory;
