import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { clientIp, type Principal, type Security } from '../auth';
import { getSecurityRuntime } from '../auth/runtime';
import { needs } from '../auth/scopes';
import { isCrossSite } from '../auth/sessions';
import { GatewayError } from '../gateway/errors';
import { getRuntime } from '../runtime';
import type { TrpcContext } from './init';
import { appRouter } from './router';
import { classifyAddress } from '../webhooks/address-guard';

export const TRPC_BASE_PATH = '/trpc/';

const LOCAL: Principal = { actor: 'local', limitKey: null, scopes: ['admin'] };

/** The gateway's auth refusals, as tRPC codes (same message). */
const REFUSALS: Partial<Record<string, TRPC_ERROR_CODE_KEY>> = {
  unauthenticated: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  rate_limited: 'TOO_MANY_REQUESTS',
};

/**
 * Who may use the console API. Requests that a browser marks as cross-site are refused
 * always (CSRF: another site must not make a visitor's browser purge or replay). With auth on,
 * a request needs a dashboard session cookie, or a bearer key (or the admin token) with the
 * `admin` or `manage` scope: otherwise 401 UNAUTHORIZED. With auth off (loopback, no
 * credentials configured) it answers clients on this machine only, since nobody signs in.
 */
export async function consolePrincipal(req: IncomingMessage, security: Security | undefined): Promise<Principal> {
  if (isCrossSite(req)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Cross-site requests to the console API are refused' });
  if (security?.enabled) {
    try {
      const principal = await security.authorize(req, needs.manage);
      return principal;
    } catch (err) {
      const code = err instanceof GatewayError ? REFUSALS[err.code] : undefined;
      if (!code) throw err;
      const message =
        err instanceof GatewayError && err.code === 'unauthenticated'
          ? 'Sign in to the console (POST /auth/login), or send Authorization: Bearer <key> with the admin or manage scope'
          : (err as Error).message;
      throw new TRPCError({ code, message, cause: err });
    }
  }
  if (!isLoopback(req.socket.remoteAddress)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The console API answers clients on this machine only; open the console through 127.0.0.1 or a local proxy' });
  }
  return LOCAL;
}

/**
 * The dashboard API as a node:http handler for paths under /trpc/. The broker and Security
 * come from what server/main.ts registers before it serves.
 */
export function createTrpcHandler(
  o: { onError?: (err: unknown, path: string | undefined) => void } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    async createContext({ req }): Promise<TrpcContext> {
      const security = getSecurityRuntime();
      const principal = await consolePrincipal(req, security);
      const runtime = getRuntime();
      if (!runtime) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'No broker is registered in this process' });
      return { broker: runtime.broker, runtime, actor: principal.actor, scopes: principal.scopes, ip: security ? security.clientIp(req) : clientIp(req), security };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') o.onError?.(error.cause ?? error, path);
    },
  });
}

/** The socket's peer is on this machine: 127.0.0.0/8, ::1, or either mapped into IPv6 (the same test as config.ts). */
export function isLoopback(address: string | undefined): boolean {
  return !!address && classifyAddress(address).range === 'loopback';
}
