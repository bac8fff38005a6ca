import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import { toErrorEnvelope } from './errors';
import { sendJson } from './http';
import { buildOpenApi } from './openapi';
import { createRouter, makeRequest, type Route } from './router';
import { consumeRoutes } from './routes-consume';
import { deadLetterRoutes } from './routes-dead-letters';
import { publishRoutes } from './routes-publish';
import { logRoutes } from './routes-log';
import { observeRoutes } from './routes-observe';
import { requestRoutes } from './routes-request';
import { topologyRoutes } from './routes-topology';

export const routes: Route[] = [
  ...topologyRoutes,
  ...publishRoutes,
  ...requestRoutes,
  ...consumeRoutes,
  ...deadLetterRoutes,
  ...observeRoutes,
  ...logRoutes,
];

export interface GatewayOptions {
  broker: Broker;
  maxBodyBytes: number;
  version: string;
  logger: Logger;
}

/**
 * The HTTP API v1 as a plain node:http handler: route → validate → call the broker → map
 * errors to the envelope. Returns false for paths it does not serve (they go to Next.js).
 */
export function createGateway(options: GatewayOptions) {
  const match = createRouter(routes);
  const openapi = JSON.stringify(buildOpenApi(routes, options.version));
  const ctx = { broker: options.broker, maxBodyBytes: options.maxBodyBytes };

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      if (url.pathname === '/v1/openapi.json' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(openapi);
        return;
      }
      const { route, params } = match(req.method ?? 'GET', url.pathname);
      const reply = await route.handle(makeRequest(req, res, params, url.searchParams, ctx));
      if (res.destroyed) return;
      if (reply.status === 204) res.writeHead(204, reply.headers).end();
      else if (reply.raw) res.writeHead(reply.status, reply.headers).end(reply.body as Uint8Array);
      else sendJson(res, reply.status, reply.body, reply.headers);
    } catch (err) {
      const { status, body } = toErrorEnvelope(err);
      if (status >= 500) options.logger.error({ err, method: req.method, path: url.pathname }, 'request failed');
      if (res.headersSent || res.destroyed) return;
      // An unread body (413, early errors) would stall a keep-alive connection: close it.
      const headers: Record<string, string> = req.complete ? {} : { connection: 'close' };
      if (status === 405) headers.allow = String((body.error.details?.allowed as string[] | undefined)?.join(', ') ?? '');
      sendJson(res, status, body, headers);
    }
  };
}
