import { z } from 'zod';
import { needs } from '../auth/scopes';
import { clusterNodeList, nodeSchema } from '../cluster/listing';
import { GatewayError } from './errors';
import type { Route } from './router';

const tag = 'Ops';

export const nodeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/nodes',
    tag,
    summary: 'Gateway nodes sharing this database: role (leader or member), status (alive, or dead after 10 s without a heartbeat) and load (rates, consumers)',
    responses: { 200: z.object({ nodes: z.array(nodeSchema) }) },
    access: () => needs.monitoring,
    async handle(r) {
      if (!r.ctx.cluster) throw new GatewayError('route_not_found', 'Cluster membership is not available in this process');
      const nodes = (await clusterNodeList(r.ctx.cluster)).map(({ id, url, role, status, startedAt, lastHeartbeatAt, load }) => ({ id, url, role, status, startedAt, lastHeartbeatAt, load }));
      return { status: 200, body: { nodes } };
    },
  },
];
