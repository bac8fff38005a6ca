import { z } from 'zod';
import { pushView, pushViewSchema } from '../../webhooks/push-view';
import { sourceDeclarationSchema, sourceViewSchema } from '../../webhooks/sources';
import { procedure, router } from '../init';

/**
 * The view `GET /v1/sources` gives, with the routing-key rule typed as declared (the HTTP schema
 * leaves it open), so the console can say where each source's key comes from.
 */
export const webhookSourceSchema = sourceViewSchema.extend({
  routingKey: sourceDeclarationSchema.shape.routingKey.unwrap().nullable(),
});

export const pushEndpointSchema = pushViewSchema.extend({ running: z.boolean() });

/**
 * Read-only: who may post webhooks to us and where queues are pushed. Never a secret; a password
 * in a push URL reads `***` (push-view.ts). A process that registered no webhooks (a test, a
 * tool) has none of either, so the lists are empty rather than an error.
 */
export const webhooksRouter = router({
  /** Inbound sources, ordered by name, with what this node accepted and refused since it started. */
  sources: procedure
    .input(z.void())
    .output(z.array(webhookSourceSchema))
    .query(async ({ ctx }) => {
      const sources = ctx.runtime.sources;
      return sources ? (await sources.list()).map((s) => sources.view(s)) : [];
    }),

  /** Every queue's push endpoint, ordered by queue, and whether this node runs its delivery loop. */
  pushEndpoints: procedure
    .input(z.void())
    .output(z.array(pushEndpointSchema))
    .query(async ({ ctx }) => {
      const push = ctx.runtime.push;
      return push ? (await push.list()).map((e) => ({ ...pushView(e), running: push.running(e.queue) })) : [];
    }),
});

export type WebhookSource = z.infer<typeof webhookSourceSchema>;
export type PushEndpointRow = z.infer<typeof pushEndpointSchema>;
