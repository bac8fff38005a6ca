import { z } from 'zod';
import { needs } from '../auth/scopes';
import { replayResultSchema } from '../fact-schemas';
import type { ReplayRequest } from '../broker/types';
import { pathKey, valueTexts } from '../json-source';
import { jsonText, parseJson } from './http';
import { lowercaseHeaderNames } from './publish-headers';
import type { Route } from './router';
import { atBodyField, decodeBody } from './bodies';
import { errorSchema, messageDetailSchema, replaySchema } from './schemas';
import { messageDetailView } from './views';

export const deadLetterRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/queues/{dlq}/replay',
    access: () => needs.manage,
    audit: (r, reply) => ({ action: 'queue.replay', target: r.params.dlq!, detail: reply.body as Record<string, unknown> }),
    tag: 'Dead letters',
    summary: 'Move dead letters back (to their origin, a queue, or an exchange), optionally edited',
    request: replaySchema,
    // 409 queue_in_use: the target queue is a dead-letter queue (the copy would lose its death record)
    responses: { 200: replayResultSchema, 404: errorSchema, 409: errorSchema },
    async handle(r) {
      const text = jsonText(await r.body());
      const body = parseJson(text, replaySchema);
      const request: ReplayRequest = {
        ids: body.ids,
        all: body.all,
        target: body.target,
        filter: body.filter && {
          routingKey: body.filter.routingKey,
          error: body.filter.error,
          from: body.filter.from ? new Date(body.filter.from) : undefined,
          to: body.filter.to ? new Date(body.filter.to) : undefined,
          arrivedBy: body.filter.arrivedBy ? new Date(body.filter.arrivedBy) : undefined,
        },
      };
      if (body.edit) {
        const hasBody = body.edit.body !== undefined;
        const source = hasBody ? valueTexts(text, ['edit', 'body']).get(pathKey(['edit', 'body'])) : undefined;
        const decoded = hasBody ? atBodyField('edit.body', () => decodeBody(body.edit!.body, body.edit!.encoding, source)) : undefined;
        request.edit = {
          body: decoded?.bytes,
          contentType: body.edit.contentType ?? decoded?.contentType,
          headers: body.edit.headers && lowercaseHeaderNames(body.edit.headers, 'edit.headers', 'edit.headers', { allowSource: true }),
        };
      }
      return { status: 200, body: await r.ctx.broker.replay(r.params.dlq!, request) };
    },
  },
  {
    method: 'GET',
    path: '/v1/messages/{id}',
    access: () => needs.monitoring,
    tag: 'Messages',
    summary: 'A stored message with where it waits now and, if it died, its death',
    responses: { 200: messageDetailSchema, 404: errorSchema },
    handle: async (r) => ({ status: 200, body: messageDetailView(await r.ctx.broker.getMessage(r.params.id!)) }),
  },
];

