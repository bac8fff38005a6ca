import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Security } from '../auth';
import { needs } from '../auth/scopes';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import type { ClusterView } from '../cluster/types';
import type { RequestUrl } from '../request-url';
import type { Webhooks } from '../webhooks';
import { errorHeaders, GatewayError, logErrorAnswer, toErrorEnvelope } from './errors';
import { checkUrlText, sendJson } from './http';
import { buildOpenApi } from './openapi';
import { isPublishing } from './publishing';
import { createRouter, makeRequest, parseQuery, refuseBody, refuseUnknownQuery, type Route } from './router';
import { consumeRoutes } from './routes-consume';
import { deadLetterRoutes } from './routes-dead-letters';
import { publishRoutes } from './routes-publish';
import { logRoutes } from './routes-log';
import { nodeRoutes } from './routes-nodes';
import { observeRoutes } from './routes-observe';
import { requestRoutes } from './routes-request';
import { securityRoutes } from './routes-security';
import { topologyRoutes } from './routes-topology';
import { webhookRoutes } from './routes-webhooks';

export const routes: Route[] = [
  ...topologyRoutes,
  ...publishRoutes,
  ...requestRoutes,
  ...consumeRoutes,
  ...deadLetterRoutes,
  ...observeRoutes,
  ...logRoutes,
  ...webhookRoutes,
  ...securityRoutes,
  ...nodeRoutes,
];

/** Routes that publish (inbound webhooks too, publishing.ts): refused while the cluster is below quorum. */
const publishing = new Set<Route>(routes.filter(isPublishing));

export interface GatewayOptions {
  broker: Broker;
  maxBodyBytes: number;
  version: string;
  logger: Logger;
  security: Security;
  webhooks: Webhooks;
  cluster?: ClusterView;
}

/**
 * The HTTP API v1 as a plain node:http handler: route → validate → call the broker → map
 * errors to the envelope. Returns false for paths it does not serve (they go to Next.js).
 */
export function createGateway(options: GatewayOptions) {
  const match = createRouter(routes);
  const openapi = JSON.stringify(buildOpenApi(routes, options.version));
  const { security } = options;
  const ctx = { broker: options.broker, maxBodyBytes: options.maxBodyBytes, security, webhooks: options.webhooks, cluster: options.cluster };

  return async function handle(req: IncomingMessage, res: ServerResponse, url: RequestUrl): Promise<void> {
    try {
      if (url.pathname === '/v1/openapi.json') {
        // GET and HEAD, as every other read; anything else is 405 (not "no route … see /v1/openapi.json").
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          throw new GatewayError('method_not_allowed', `${req.method} is not allowed on /v1/openapi.json; use GET, HEAD`, { allowed: ['GET', 'HEAD'] });
        }
        const [key] = url.searchParams.keys();
        if (key !== undefined) {
          throw new GatewayError('validation_failed', `Unknown query parameter '${key}': GET /v1/openapi.json takes no query parameters`, {
            field: key,
            issues: [{ path: key, message: 'unknown query parameter' }],
            accepted: [],
          });
        }
        // Node leaves the body out of a HEAD answer; the length says what GET would send.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(openapi)) }).end(openapi);
        return;
      }
      const { route, params } = match(req.method ?? 'GET', url.pathname);
      checkUrlText(url.search, url.searchParams, params);
      refuseUnknownQuery(route, url.searchParams);
      const request = makeRequest(req, res, params, url.searchParams, ctx, { actor: 'anonymous', limitKey: null, scopes: [] });
      // The one place access is checked: every route declares what it needs (router.ts).
      request.principal = await security.authorize(req, security.enabled ? await (route.access?.(request) ?? needs.admin) : needs.public);
      const quorum = publishing.has(route) ? options.cluster?.quorum() : undefined;
      if (quorum && !quorum.ok) {
        throw new GatewayError('quorum_lost', `Publishing is paused: ${quorum.reason}`, quorum.details ?? { alive: quorum.alive, required: quorum.required });
      }
      // A body sent where none is read is refused, as an unknown query parameter is (GET and HEAD aside).
      if (route.method !== 'GET') await refuseBody(route, request);
      // A route's query schema is checked here, once, and the parsed query handed to the route.
      const reply = await route.handle(request, parseQuery(route, url.searchParams));
      const entry = await route.audit?.(request, reply);
      if (entry) await security.audit.record({ ...entry, actor: request.principal.actor, ip: security.clientIp(req) });
      if (res.destroyed) return;
      if (reply.status === 204) res.writeHead(204, reply.headers).end();
      else if (reply.raw) res.writeHead(reply.status, reply.headers).end(reply.body as Uint8Array);
      else sendJson(res, reply.status, reply.body, reply.headers);
    } catch (err) {
      const { status, body } = toErrorEnvelope(err);
      logErrorAnswer(options.logger, err, { status, body }, { method: req.method, path: url.pathname });
      if (res.headersSent || res.destroyed) return;
      // An unread body (413, early errors) would stall a keep-alive connection: close it.
      const headers: Record<string, string> = { ...(req.complete ? {} : { connection: 'close' }), ...errorHeaders({ status, body }) };
      sendJson(res, status, body, headers);
    }
  };
}
