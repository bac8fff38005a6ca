import { z } from 'zod';

/**
 * Facts that the HTTP API (server/gateway) and the dashboard API (server/trpc) show the
 * same way: one schema each, so the two transports cannot drift apart.
 */

/** How a dead letter died. */
export const deathSchema = z.object({
  queue: z.string(),
  exchange: z.string(),
  routingKey: z.string(),
  reason: z.enum(['rejected', 'max_deliveries', 'expired', 'max_length']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  diedAt: z.string(),
  /** Queues it expired from or was dropped from by max length before this death, with no rejection since (newest first); absent when none. */
  diedBefore: z.array(z.string()).optional(),
});

/** One event in the life of a message, as a trace lists it. */
export const traceEventSchema = z.object({
  at: z.string(),
  type: z.string(),
  messageId: z.string(),
  exchange: z.string().nullable(),
  queue: z.string().nullable(),
  node: z.string().nullable(),
  attempt: z.number().int().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

/** An API key as listed (never its secret, which is shown once, when it is made). */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

/** What a dead-letter replay answers (broker/replay-checks.ts, ReplayResult). */
export const replayResultSchema = z.object({
  replayed: z.number().int(),
  /**
   * Dead letters the replay matched but left in the DLQ: per origin queue that is gone or now of the other tier, and those an exchange routed nowhere.
   * Of the ids asked for: those not in the DLQ, those a consumer holds now, and those another replay or discard was
   * moving at that moment (its answer has them); all stay as they are here. Without ids (all, a filter) only `leased`
   * names anything: the matching dead letters a consumer holds now (at most 10,000).
   */
  skipped: z.object({
    originMissing: z.record(z.string(), z.number().int()),
    originOtherTier: z.record(z.string(), z.number().int()),
    unroutable: z.number().int(),
    /** Entries with no death record (published into the DLQ) that a replay to origin left: they have no origin. */
    noOrigin: z.number().int(),
    notFound: z.array(z.string()),
    leased: z.array(z.string()),
    busy: z.array(z.string()),
  }),
  /** The replay stopped at its limit (10,000 a call on the database): more may match; send it again. */
  more: z.boolean(),
});
