import { z } from 'zod';
import type { PushEndpoint } from './push-store';

/** A push endpoint as the HTTP API and the dashboard show it: never its secret, except once when generated. */
export const pushViewSchema = z.object({
  queue: z.string(),
  url: z.string(),
  concurrency: z.number(),
  timeoutMs: z.number(),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  secret: z.string().optional().describe('Only in the answer to the PUT that generated it'),
  running: z.boolean().optional().describe('Whether this node runs its delivery loop'),
});

export const pushView = (e: PushEndpoint) => ({
  queue: e.queue,
  url: e.url,
  concurrency: e.concurrency,
  timeoutMs: e.timeoutMs,
  status: e.status,
  disabledReason: e.disabledReason,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
