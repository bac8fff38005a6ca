import { z } from 'zod';
import { deathSchema } from '../fact-schemas';

/**
 * Output shapes of the dashboard API. Dates travel as ISO strings and bodies as base64 (no
 * transformer), so what the browser receives is plain JSON that these schemas describe exactly.
 */
export const nameSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'use 1–200 characters of A-Z a-z 0-9 _ . : -');
export const routingKeySchema = z.string().max(255);
export const isoDate = z.string();

export const retrySchema = z.object({ initialDelayMs: z.number(), maxDelayMs: z.number(), multiplier: z.number(), jitter: z.number() });

export const queueSettingsSchema = z.object({
  durability: z.enum(['durable', 'replicated', 'memory']),
  maxDeliveries: z.number(),
  visibilityTimeoutMs: z.number(),
  retry: retrySchema,
  deadLetter: z.union([z.literal(false), z.object({ exchange: z.string().optional(), routingKey: z.string().optional() })]),
  messageTtlMs: z.number().nullable(),
  maxLength: z.number().nullable(),
});

export const queueInfoSchema = z.object({
  name: z.string(),
  settings: queueSettingsSchema,
  ready: z.number(),
  inFlight: z.number(),
  delayed: z.number(),
  consumers: z.number(),
  publishRate: z.number(),
  deliverRate: z.number(),
  ackRate: z.number(),
  oldestReadyAgeMs: z.number().nullable(),
});
export type QueueInfoView = z.infer<typeof queueInfoSchema>;

export const exchangeInfoSchema = z.object({
  name: z.string(),
  type: z.enum(['direct', 'fanout', 'topic', 'headers']),
  bindings: z.number(),
  publishRate: z.number(),
});
export type ExchangeInfoView = z.infer<typeof exchangeInfoSchema>;

export const bindingSchema = z.object({
  exchange: z.string(),
  queue: z.string(),
  key: z.string(),
  headers: z.object({ match: z.enum(['all', 'any']), values: z.record(z.string(), z.string()) }).optional(),
});

/** A binding as the console sends it: header names and values as typed (the broker lowercases names). */
export const bindingInputSchema = z.object({
  exchange: nameSchema,
  queue: nameSchema,
  key: routingKeySchema.default(''),
  headers: z.object({ match: z.enum(['all', 'any']), values: z.record(z.string().min(1), z.string()) }).optional(),
});

export { deathSchema };
export type DeathView = z.infer<typeof deathSchema>;

export const messageViewSchema = z.object({
  id: z.string(),
  exchange: z.string(),
  routingKey: z.string(),
  headers: z.record(z.string(), z.string()),
  contentType: z.string(),
  /** base64 of the first `bodyLimit` bytes; `size` is the whole body's length. */
  body: z.string(),
  size: z.number(),
  truncated: z.boolean(),
  correlationId: z.string(),
  replyTo: z.string().nullable(),
  traceparent: z.string().nullable(),
  publishedAt: isoDate,
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const entryStateSchema = z.enum(['ready', 'in_flight', 'delayed']);

export const browsedMessageSchema = messageViewSchema.extend({
  attempt: z.number(),
  state: entryStateSchema,
  death: deathSchema.nullable(),
});
export type BrowsedMessage = z.infer<typeof browsedMessageSchema>;

/** A body the browser sends (test publish, replay edit): text as typed, or base64 bytes. */
export const bodyInputSchema = z.object({
  text: z.string().max(1024 * 1024).optional(),
  base64: z.string().max(1.4 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64').optional(),
  contentType: z.string().min(1).max(255),
});

/**
 * A record given as input whose own key `__proto__` is refused: zod's record leaves that key out
 * silently (it would set the prototype), so a header named so would vanish unseen. The HTTP API
 * refuses it the same way (gateway/http.ts).
 */
export function inputRecord<V extends z.ZodType>(key: z.ZodString, value: V) {
  return z.preprocess((v, ctx) => {
    if (v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: 'the name __proto__ is reserved', path: ['__proto__'] });
      return z.NEVER;
    }
    return v;
  }, z.record(key, value));
}

export const headersInputSchema = inputRecord(z.string().min(1).max(255), z.string().max(8192));
