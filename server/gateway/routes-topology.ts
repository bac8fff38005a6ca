import { z } from 'zod';
import { bindingEntry } from '../auth/audit';
import { needs } from '../auth/scopes';
import type { Definitions } from '../broker/types';
import { listedPage, listPageQuerySchema } from './list-pages';
import { route, type Route } from './router';
import {
  bindingDeclaredSchema,
  bindingSchema,
  exchangeDeclaredSchema,
  definitionsSchema,
  errorSchema,
  exchangeDeclareSchema,
  exchangeSchema,
  queueDeclarationSchema,
  queueConsumersSchema,
  queueInfoSchema,
} from './schemas';

const tag = 'Topology';
const declared = (created: boolean, body: unknown) => ({ status: created ? 201 : 200, body });

/** The largest definitions document an import reads, unless HATOBA_MAX_BODY_BYTES is larger (about 80,000 queues). */
const DEFINITIONS_MAX_BYTES = 64 * 1024 * 1024;

export const topologyRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/v1/exchanges/{name}',
    access: () => needs.manage,
    audit: (r, reply) => ({ action: 'exchange.declare', target: r.params.name!, detail: { type: (reply.body as { type: string }).type, created: reply.status === 201 } }),
    tag,
    summary: 'Declare an exchange (idempotent)',
    request: exchangeDeclareSchema,
    responses: { 200: exchangeDeclaredSchema, 201: exchangeDeclaredSchema, 409: errorSchema },
    async handle(r) {
      const { type } = await r.json(exchangeDeclareSchema);
      const { created } = await r.ctx.broker.declareExchange(r.params.name!, type);
      return declared(created, { name: r.params.name, type, created });
    },
  },
  route({
    method: 'GET',
    path: '/v1/exchanges',
    access: () => needs.monitoring,
    tag,
    summary: 'List exchanges with binding counts and publish rates, in name order; limit and cursor for pages',
    query: listPageQuerySchema,
    responses: { 200: z.object({ exchanges: z.array(exchangeSchema), nextCursor: z.string().nullable() }), 400: errorSchema },
    async handle(r, q) {
      const { items, nextCursor } = await listedPage((page) => r.ctx.broker.listExchanges(page), q);
      return { status: 200, body: { exchanges: items, nextCursor } };
    },
  }),
  {
    method: 'DELETE',
    path: '/v1/exchanges/{name}',
    access: () => needs.manage,
    audit: (r) => ({ action: 'exchange.delete', target: r.params.name! }),
    tag,
    summary: 'Delete an exchange and its bindings',
    // 409 exchange_in_use: a queue dead-letters through it, or a webhook source publishes to it
    responses: { 204: null, 404: errorSchema, 409: errorSchema },
    async handle(r) {
      await r.ctx.broker.deleteExchange(r.params.name!);
      return { status: 204, body: null };
    },
  },
  {
    method: 'PUT',
    path: '/v1/queues/{name}',
    access: () => needs.manage,
    // A PUT replaces the settings: the entry says what they are now, so the log shows who changed what.
    audit: (r, reply) => ({
      action: 'queue.declare',
      target: r.params.name!,
      detail: { created: reply.status === 201, settings: (reply.body as { settings: unknown }).settings },
    }),
    tag,
    summary: 'Declare or update a queue; creates {name}.dlq unless deadLetter is false',
    request: queueDeclarationSchema,
    // 404 exchange_not_found: deadLetter.exchange is not declared
    responses: { 200: queueInfoSchema, 201: queueInfoSchema, 404: errorSchema, 409: errorSchema },
    async handle(r) {
      const declaration = await r.json(queueDeclarationSchema);
      const { created } = await r.ctx.broker.declareQueue(r.params.name!, declaration);
      return declared(created, await r.ctx.broker.queueInfo(r.params.name!));
    },
  },
  route({
    method: 'GET',
    path: '/v1/queues',
    access: () => needs.monitoring,
    tag,
    summary: 'List queues with depth figures, in name order; limit and cursor for pages',
    query: listPageQuerySchema,
    responses: { 200: z.object({ queues: z.array(queueInfoSchema), nextCursor: z.string().nullable() }), 400: errorSchema },
    async handle(r, q) {
      const { items, nextCursor } = await listedPage((page) => r.ctx.broker.listQueues(page), q);
      return { status: 200, body: { queues: items, nextCursor } };
    },
  }),
  {
    method: 'GET',
    path: '/v1/queues/{name}',
    access: () => needs.monitoring,
    tag,
    summary: 'A queue: settings, depth, consumers, rates, oldest ready message age',
    responses: { 200: queueInfoSchema, 404: errorSchema },
    handle: async (r) => ({ status: 200, body: await r.ctx.broker.queueInfo(r.params.name!) }),
  },
  {
    method: 'GET',
    path: '/v1/queues/{name}/consumers',
    access: () => needs.monitoring,
    tag,
    summary: 'Who consumes a queue: each consumer seen in the last 30 s on any node, its nodes, delivery rate and last receive',
    responses: { 200: queueConsumersSchema, 404: errorSchema },
    handle: async (r) => ({ status: 200, body: await r.ctx.broker.queueConsumers(r.params.name!) }),
  },
  {
    method: 'DELETE',
    path: '/v1/queues/{name}',
    access: () => needs.manage,
    audit: (r) => ({ action: 'queue.delete', target: r.params.name! }),
    tag,
    summary: 'Delete a queue, its entries and its bindings',
    // 409 queue_in_use: another queue dead-letters to it
    responses: { 204: null, 404: errorSchema, 409: errorSchema },
    async handle(r) {
      await r.ctx.broker.deleteQueue(r.params.name!);
      return { status: 204, body: null };
    },
  },
  {
    method: 'POST',
    path: '/v1/queues/{name}/purge',
    access: () => needs.manage,
    audit: (r, reply) => ({ action: 'queue.purge', target: r.params.name!, detail: reply.body as Record<string, unknown> }),
    tag,
    summary: 'Remove every entry of a queue',
    responses: { 200: z.object({ purged: z.number().int() }), 404: errorSchema },
    handle: async (r) => ({ status: 200, body: await r.ctx.broker.purge(r.params.name!) }),
  },
  {
    method: 'POST',
    path: '/v1/bindings',
    access: () => needs.manage,
    audit: async (r, reply) => ({ action: 'binding.declare', ...bindingEntry(await r.json(bindingSchema), { created: reply.status === 201 }) }),
    tag,
    summary: 'Bind a queue to an exchange (idempotent)',
    request: bindingSchema,
    responses: { 200: bindingDeclaredSchema, 201: bindingDeclaredSchema, 404: errorSchema },
    async handle(r) {
      const b = await r.json(bindingSchema);
      // Answered as stored: header-match names lowercased, as the broker keys and matches them.
      const { created, binding } = await r.ctx.broker.bind(b);
      return declared(created, { ...binding, created });
    },
  },
  {
    method: 'DELETE',
    path: '/v1/bindings',
    access: () => needs.manage,
    audit: async (r, reply) => ({ action: 'binding.delete', ...bindingEntry(await r.json(bindingSchema), { deleted: (reply.body as { deleted: boolean }).deleted }) }),
    tag,
    summary: 'Remove a binding (same body as POST)',
    request: bindingSchema,
    responses: { 200: z.object({ deleted: z.boolean() }), 404: errorSchema },
    handle: async (r) => ({ status: 200, body: await r.ctx.broker.unbind(await r.json(bindingSchema)) }),
  },
  {
    method: 'GET',
    path: '/v1/definitions',
    access: () => needs.monitoring,
    tag,
    summary: 'The whole topology as one document',
    responses: { 200: definitionsSchema },
    handle: async (r) => ({ status: 200, body: r.ctx.broker.exportDefinitions() }),
  },
  {
    method: 'POST',
    path: '/v1/definitions',
    access: () => needs.manage,
    audit: (_r, reply) => ({ action: 'definitions.import', target: '', detail: reply.body as Record<string, unknown> }),
    tag,
    summary: "Import a topology document, all or nothing (idempotent); nodes' own amq. queues are skipped and named",
    request: definitionsSchema,
    // as the declares it stands for: 404 (a binding's exchange or queue is in neither the document nor the server), 409 (type, durability)
    responses: { 200: z.object({ exchanges: z.number(), queues: z.number(), bindings: z.number(), skipped: z.array(z.string()) }), 404: errorSchema, 409: errorSchema },
    async handle(r) {
      // The server's own export must come back in: it outgrows a message body (every queue with
      // its .dlq and settings spelled out: about 2,000 queues pass 1 MB), so it has its own limit.
      const defs = await r.json(definitionsSchema, Math.max(r.ctx.maxBodyBytes, DEFINITIONS_MAX_BYTES));
      return { status: 200, body: await r.ctx.broker.importDefinitions(defs as unknown as Definitions) };
    },
  },
];
