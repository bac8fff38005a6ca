import type { Route } from './router';
import { publishRoutes } from './routes-publish';
import { requestRoutes } from './routes-request';

/**
 * Routes that publish (inbound webhooks too): the gateway refuses them with 503 quorum_lost while
 * the cluster is below quorum (index.ts), and their copies into memory-tier queues can meet 507
 * memory_limit (the OpenAPI document lists both: openapi.ts).
 */
export const isPublishing = (route: Route): boolean =>
  publishRoutes.includes(route) || requestRoutes.includes(route) || (route.method === 'POST' && route.path === '/v1/hooks/{name}');
