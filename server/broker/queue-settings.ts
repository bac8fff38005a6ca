import { z } from 'zod';
import { issuesOf, issuesText } from './validation-issues';
import { defaultRetryPolicy } from './backoff';
import { BrokerError } from './errors';
import type { QueueSettings } from './types';
import { DLQ_SUFFIX, isDeadLetterQueue } from './name-rules';

/** The declaration body of API.md (PUT /v1/queues/{name}); every field optional. */
export const queueDeclarationSchema = z
  .object({
    durability: z.enum(['durable', 'replicated', 'memory']).optional(),
    maxDeliveries: z.number().int().min(1).max(1000).optional(),
    visibilityTimeoutMs: z.number().int().min(100).max(12 * 3600_000).optional(),
    retry: z
      .object({
        initialDelayMs: z.number().int().min(0).max(86_400_000).optional(),
        maxDelayMs: z.number().int().min(0).max(86_400_000).optional(),
        multiplier: z.number().min(1).max(100).optional(),
        jitter: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    deadLetter: z
      .union(
        [
          z.literal(false),
          z.object({ exchange: z.string().optional(), routingKey: z.string().optional() }).strict(),
        ],
        {
          // zod says "Invalid input" when no option takes it: say what the options are.
          error: (issue) =>
            issue.code === 'invalid_union' && !(issue.input !== null && typeof issue.input === 'object')
              ? "deadLetter must be {} (its own '<queue>.dlq'), {exchange, routingKey?} (through an exchange) or false (dropped)"
              : undefined,
        },
      )
      .optional(),
    messageTtlMs: z.number().int().min(1).max(365 * 86_400_000).nullable().optional(),
    maxLength: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
  })
  .strict();
export type QueueDeclaration = z.infer<typeof queueDeclarationSchema>;

export { DLQ_SUFFIX };

/** Fills defaults. A queue named `*.dlq` is a dead-letter queue and keeps no DLQ of its own by default. */
export function resolveQueueSettings(name: string, declaration: QueueDeclaration = {}): QueueSettings {
  const parsed = queueDeclarationSchema.safeParse(declaration);
  if (!parsed.success) {
    // Paths as dotted strings, as every error's details.issues (gateway/http.ts validate).
    const issues = issuesOf(parsed.error);
    throw new BrokerError('validation_failed', `Invalid queue settings: ${issuesText(issues)}`, { issues });
  }
  const d = parsed.data;
  const given = d.retry ?? {};
  if (given.initialDelayMs !== undefined && given.maxDelayMs !== undefined && given.maxDelayMs < given.initialDelayMs) {
    throw new BrokerError('validation_failed', `Invalid queue settings: retry.maxDelayMs (${given.maxDelayMs}) is below retry.initialDelayMs (${given.initialDelayMs})`, {
      issues: [{ path: 'retry.maxDelayMs', message: 'below retry.initialDelayMs' }],
    });
  }
  // The default dead-letter target is the queue `{name}.dlq`, reached by name: a routing key there
  // would mean nothing (it was ignored). Only an exchange routes by key.
  if (d.deadLetter && d.deadLetter.routingKey !== undefined && !d.deadLetter.exchange) {
    throw new BrokerError(
      'validation_failed',
      `Invalid queue settings: deadLetter.routingKey needs deadLetter.exchange (without one, dead letters go to '${name}${DLQ_SUFFIX}' by name; to route by key, give an exchange, e.g. "amq.default")`,
      { issues: [{ path: 'deadLetter.routingKey', message: 'routingKey needs an exchange' }] },
    );
  }
  const retry = { ...defaultRetryPolicy, ...d.retry };
  // Only initialDelayMs given, above the default cap: the cap follows it.
  if (retry.maxDelayMs < retry.initialDelayMs) retry.maxDelayMs = retry.initialDelayMs;
  return {
    durability: d.durability ?? 'durable',
    maxDeliveries: d.maxDeliveries ?? 5,
    visibilityTimeoutMs: d.visibilityTimeoutMs ?? 30_000,
    retry,
    deadLetter: d.deadLetter ?? (isDeadLetterQueue(name) ? false : {}),
    messageTtlMs: d.messageTtlMs ?? null,
    maxLength: d.maxLength ?? null,
  };
}

/** The queue that receives `name`'s dead letters by default, or null when it routes through an exchange or drops. */
export function defaultDeadLetterQueue(name: string, settings: QueueSettings): string | null {
  return settings.deadLetter && !settings.deadLetter.exchange ? name + DLQ_SUFFIX : null;
}
