import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { getRuntime } from '../runtime';
import type { TrpcContext } from './init';
import { appRouter } from './router';

export const TRPC_BASE_PATH = '/trpc/';

/**
 * The dashboard API as a node:http handler for paths under /trpc/. The broker comes from the
 * runtime that server/main.ts registers before it serves. Requests that a browser marks as
 * cross-site are refused: the console has no login yet, so another site must not be able to
 * make a visitor's browser purge or replay (CSRF). For the same reason it answers only clients
 * on this machine (loopback; a reverse proxy on the same host counts as one): the gateway's
 * bearer keys do not cover the console yet, and a purge must not be one unauthenticated POST
 * away from the network.
 */
export function createTrpcHandler(
  o: { onError?: (err: unknown, path: string | undefined) => void } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    createContext({ req }): TrpcContext {
      if (isCrossSite(req)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Cross-site requests to the console API are refused' });
      if (!isLoopback(req.socket.remoteAddress)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'The console API answers clients on this machine only; open the console through 127.0.0.1 or a local proxy' });
      }
      const runtime = getRuntime();
      if (!runtime) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'No broker is registered in this process' });
      return { broker: runtime.broker, runtime };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') o.onError?.(error.cause ?? error, path);
    },
  });
}

export function isCrossSite(req: Pick<IncomingMessage, 'headers'>): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
