import { z } from 'zod';
import { deathSchema } from '../fact-schemas';
import { queueDeclarationSchema } from '../broker/queue-settings';

/** Request and response shapes of API v1. Handlers validate with them; /v1/openapi.json is made from them. */

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

export const exchangeDeclareSchema = z.object({ type: z.enum(['direct', 'fanout', 'topic', 'headers']) }).strict();
export const exchangeSchema = z.object({
  name: z.string(),
  type: z.enum(['direct', 'fanout', 'topic', 'headers']),
  bindings: z.number().int(),
  publishRate: z.number(),
});
export const declaredSchema = z.object({ created: z.boolean() });
/** What PUT /v1/exchanges/{name} answers: the exchange as declared. */
export const exchangeDeclaredSchema = z.object({ name: z.string(), type: exchangeDeclareSchema.shape.type, created: z.boolean() });

export { queueDeclarationSchema };
export { queueConsumersSchema } from '../broker/live-figures';
const retrySchema = z.object({ initialDelayMs: z.number(), maxDelayMs: z.number(), multiplier: z.number(), jitter: z.number() });
export const queueSettingsSchema = z.object({
  durability: z.enum(['durable', 'replicated', 'memory']),
  maxDeliveries: z.number().int(),
  visibilityTimeoutMs: z.number().int(),
  retry: retrySchema,
  deadLetter: z.union([z.literal(false), z.object({ exchange: z.string().optional(), routingKey: z.string().optional() })]),
  messageTtlMs: z.number().int().nullable(),
  maxLength: z.number().int().nullable(),
});
export const queueInfoSchema = z.object({
  name: z.string(),
  settings: queueSettingsSchema,
  ready: z.number().int(),
  inFlight: z.number().int(),
  delayed: z.number().int(),
  consumers: z.number().int(),
  publishRate: z.number(),
  deliverRate: z.number(),
  ackRate: z.number(),
  oldestReadyAgeMs: z.number().nullable(),
});


export const bindingSchema = z
  .object({
    exchange: z.string(),
    queue: z.string(),
    key: z.string().default(''),
    headers: z
      .object({ match: z.enum(['all', 'any']).default('all'), values: z.record(z.string(), z.string()) })
      .strict()
      .optional(),
  })
  .strict();
/** What POST /v1/bindings answers: the binding as stored (key defaulted) and whether it is new. */
export const bindingDeclaredSchema = z.object({
  exchange: z.string(),
  queue: z.string(),
  key: z.string(),
  headers: z.object({ match: z.enum(['all', 'any']), values: z.record(z.string(), z.string()) }).optional(),
  created: z.boolean(),
});

/**
 * The topology document (GET and POST /v1/definitions), strict at every level as each declare
 * is: a key this schema does not know (a queue's `maxDeliveries` beside its `settings` instead of
 * in them, a `version`) is 400 validation_failed, not silently a default. What GET exports is
 * exactly this shape, so an export always imports (definitions-strict.test.ts).
 */
const unknownKeys =
  (where: string, hint: string) =>
  (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `Unknown key${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((k) => JSON.stringify(k)).join(', ')} in ${where}: ${hint}`
      : undefined;
export const definitionsSchema = z.strictObject(
  {
    exchanges: z
      .array(
        z.strictObject(
          { name: z.string(), type: z.enum(['direct', 'fanout', 'topic', 'headers']) },
          { error: unknownKeys('an exchange', 'an exchange is {name, type}') },
        ),
      )
      .default([]),
    queues: z
      .array(
        z.strictObject(
          { name: z.string(), settings: queueDeclarationSchema.default({}) },
          { error: unknownKeys('a queue', 'a queue is {name, settings}, and its settings (maxDeliveries, retry, deadLetter, …) go in settings') },
        ),
      )
      .default([]),
    bindings: z.array(bindingSchema).default([]),
  },
  { error: unknownKeys('the document', 'it has exchanges, queues and bindings') },
);

export const publishResultSchema = z.object({
  id: z.string(),
  correlationId: z.string(),
  queues: z.array(z.string()),
  duplicate: z.boolean(),
});

const encodingSchema = z.enum(['json', 'text', 'base64']);
export const batchPublishSchema = z
  .object({
    messages: z
      .array(
        z
          .object({
            routingKey: z.string().optional(),
            // zod's own word for a missing key here is "expected nonoptional": say what is missing.
            body: z.unknown().refine((v) => v !== undefined, {
              message: 'missing: every message needs a body, any JSON value (a string is stored as text, or as bytes with encoding "base64")',
            }),
            encoding: encodingSchema.optional(),
            contentType: z.string().min(1).max(255).optional(),
            headers: z.record(z.string(), z.string()).optional(),
            correlationId: z.string().min(1).max(255).optional(),
            replyTo: z.string().optional(),
            idempotencyKey: z.string().min(1).max(255).optional(),
            delayMs: z.number().int().min(0).optional(),
            persistent: z.boolean().optional(),
            mandatory: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict();

export const receiveSchema = z
  .object({
    max: z.number().int().min(1).max(1000).default(1),
    waitMs: z.number().int().min(0).max(30_000).default(0),
    visibilityMs: z.number().int().min(100).max(43_200_000).optional(),
  })
  .strict();

export const messageViewSchema = z.object({
  id: z.string(),
  exchange: z.string(),
  routingKey: z.string(),
  headers: z.record(z.string(), z.string()),
  correlationId: z.string(),
  replyTo: z.string().nullable(),
  contentType: z.string(),
  body: z.unknown(),
  encoding: encodingSchema,
  traceparent: z.string().nullable(),
  tracestate: z.string().nullable(),
  publishedAt: z.string(),
});

export const deliverySchema = messageViewSchema.extend({
  receipt: z.string(),
  attempt: z.number().int(),
  death: deathSchema.nullable(),
});

export const messageDetailSchema = messageViewSchema.extend({
  routedTo: z.array(z.string()),
  death: deathSchema.nullable(),
  entries: z.array(
    z.object({ queue: z.string(), state: z.enum(['ready', 'in_flight', 'delayed']), attempt: z.number().int(), death: deathSchema.nullable() }),
  ),
});

const receipts = z.array(z.string().max(200)).min(1).max(1000);
export const ackSchema = z.object({ receipts }).strict();
export const nackSchema = z
  .object({
    receipts,
    error: z.string().max(4000).optional(),
    delayMs: z.number().int().min(0).max(7 * 86_400_000).optional(),
    requeue: z.boolean().optional(),
  })
  .strict()
  // requeue: false dead-letters at once, so a delay would be ignored: refused, not dropped without a word.
  .refine((n) => !(n.requeue === false && n.delayMs !== undefined), {
    path: ['delayMs'],
    message: 'a delay is for a retry, and requeue: false dead-letters at once: leave out delayMs, or requeue',
  });
export const extendSchema = z.object({ receipts, visibilityMs: z.number().int().min(100).max(43_200_000) }).strict();

const REPLAY_TARGETS = '"origin" (the queue each died in), {"queue": "<queue>"} or {"exchange": "<exchange>", "routingKey"?: "<key>"}';

/** A value from a request as an error shows it: its JSON, cut short. */
function givenValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

export const replaySchema = z
  .object({
    ids: z.array(z.uuid()).max(10_000).optional(),
    all: z.boolean().optional(),
    filter: z
      .object({
        routingKey: z.string().optional(),
        error: z.string().optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        /** Only entries that arrived in the DLQ at or before this time (to the millisecond): a replay confirmed from a preview leaves later arrivals. */
        arrivedBy: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .optional(),
    target: z
      .union(
        [
          z.literal('origin'),
          z.object({ queue: z.string() }).strict(),
          z.object({ exchange: z.string(), routingKey: z.string().optional() }).strict(),
        ],
        // zod says "Invalid input" when no form takes it: say which forms there are, and what was given.
        { error: (issue) => (issue.code === 'invalid_union' ? `must be ${REPLAY_TARGETS}; got ${givenValue(issue.input)}` : undefined) },
      )
      .optional(),
    edit: z
      .object({
        body: z.unknown().optional(),
        encoding: encodingSchema.optional(),
        contentType: z.string().min(1).max(255).optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      // encoding says how edit.body is written: without a body it would change nothing, unseen.
      .refine((e) => e.encoding === undefined || e.body !== undefined, {
        path: ['encoding'],
        message: 'encoding says how edit.body is written: give the body with it, or leave encoding out',
      })
      .optional(),
  })
  .strict()
  .refine((r) => r.all || r.ids || r.filter, { message: 'Say which dead letters to replay: ids, all: true, or a filter' });
