import { z } from 'zod';
import { apiKeySchema } from '../fact-schemas';
import { keyNamed } from '../auth/key-named';
import { KeyNameTaken, keyCreateSchema } from '../auth/keys';
import { needs } from '../auth/scopes';
import { GatewayError } from './errors';
import { queryInt, queryText } from './http';
import { route, type Route } from './router';
import { errorSchema } from './schemas';

const tag = 'Security';
const isoDate = z.iso.datetime({ offset: true });

const auditQuerySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    actor: queryText('actor').optional(),
    action: queryText('action').optional(),
    cursor: queryInt('cursor', 1).optional(),
    limit: queryInt('limit', 1, 1000).default(100),
  })
  .strict();

export const securityRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/keys',
    tag,
    summary: 'Make an API key with scopes; the key is in this answer only (it is stored hashed)',
    request: keyCreateSchema,
    responses: { 201: apiKeySchema.extend({ key: z.string() }), 400: errorSchema, 409: errorSchema },
    access: () => needs.admin,
    audit: (_r, reply) => {
      const k = reply.body as { id: string; name: string; scopes: string[] };
      return { action: 'key.create', target: k.id, detail: { name: k.name, scopes: k.scopes } };
    },
    async handle(r) {
      const { name, scopes } = await r.json(keyCreateSchema);
      try {
        const created = await r.ctx.security.keys.create({ name, scopes: [...new Set(scopes)], createdBy: r.principal.actor });
        return { status: 201, body: created };
      } catch (e) {
        if (e instanceof KeyNameTaken) throw new GatewayError('key_name_taken', e.message, { name: e.keyName });
        throw e;
      }
    },
  },
  {
    method: 'GET',
    path: '/v1/keys',
    tag,
    summary: 'API keys (never the keys themselves), revoked ones included',
    responses: { 200: z.object({ keys: z.array(apiKeySchema) }) },
    access: () => needs.admin,
    handle: async (r) => ({ status: 200, body: { keys: await r.ctx.security.keys.list() } }),
  },
  {
    method: 'DELETE',
    path: '/v1/keys/{id}',
    tag,
    summary: 'Revoke an API key: refused at once, on every node',
    responses: { 204: null, 404: errorSchema },
    access: () => needs.admin,
    audit: async (r) => ({ action: 'key.revoke', target: r.params.id!, detail: await keyNamed(r.ctx.security.keys, r.params.id!) }),
    async handle(r) {
      if (!(await r.ctx.security.keys.revoke(r.params.id!))) {
        throw new GatewayError('key_not_found', `No active API key '${r.params.id}'`, { id: r.params.id });
      }
      return { status: 204, body: null };
    },
  },
  route({
    method: 'GET',
    path: '/v1/audit',
    tag,
    summary: 'The audit log of operator actions, newest first: from, to, actor, action; cursor pagination',
    responses: {
      200: z.object({
        entries: z.array(
          z.object({ id: z.number(), at: z.string(), actor: z.string(), action: z.string(), target: z.string(), detail: z.unknown(), ip: z.string().nullable() }),
        ),
        nextCursor: z.string().nullable(),
      }),
    },
    access: () => needs.admin,
    query: auditQuerySchema,
    async handle(r, q) {
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      // A range that runs backwards is refused, as message search, replay and history refuse it, rather than an empty page.
      if (from && to && from.getTime() > to.getTime()) {
        throw new GatewayError('validation_failed', 'from must be a time before to', { from: from.toISOString(), to: to.toISOString() });
      }
      const page = await r.ctx.security.audit.read({ ...q, from, to });
      return { status: 200, body: page };
    },
  }),
];
