import { z } from 'zod';
import type { Db, Sql } from '../../db/driver';
import { jsonValue } from '../../db/driver';
import { NotifiedCache } from '../notified-cache';
import type { RateLimit } from '../auth/rate-limit';
import { BrokerError, notFound } from '../broker/errors';
import { checkName } from '../broker/names';
import { HEADER_NAME, HEADER_NAME_RULE, type Refusal, type VerifyConfig } from './verify';
import { isReservedName } from '../broker/name-rules';

/** Where a hook's routing key comes from; absent: CloudEvents' type when the request is an event, else ''. */
export type RoutingKeyRule = { from: 'header'; name: string } | { from: 'json'; path: string } | { from: 'cloudevents' };

export interface Source {
  name: string;
  exchange: string;
  verify: VerifyConfig;
  routingKey: RoutingKeyRule | null;
  /** Overrides HATOBA_SOURCE_RATE_LIMIT for this source; null: the default. */
  rateLimit: RateLimit | null;
  createdAt: Date;
  updatedAt: Date;
}

/** 10000000 as a reader writes it: 10,000,000. */
const figure = (n: number) => n.toLocaleString('en-US');

/**
 * A number field whose every refusal (not a number, not whole, out of range) states the whole
 * rule, `burst must be a whole number of webhooks from 1 to 10,000,000`: zod's own messages
 * would say only the part that failed, or (with one custom message) a part that did not.
 */
export function numberIn(field: string, o: { whole: boolean; unit: string; min: number; max: number }) {
  const rule = `${field} must be ${o.whole ? 'a whole number' : 'a number'} ${o.unit} from ${figure(o.min)} to ${figure(o.max)}`;
  const n = z.number({ error: rule });
  return (o.whole ? n.int() : n).min(o.min).max(o.max);
}

/** A string field of `min`–`max` characters whose refusals say so. */
function textIn(field: string, min: number, max: number) {
  return z.string({ error: `${field} must be a string of ${figure(min)} to ${figure(max)} characters` }).min(min).max(max);
}

/**
 * A source's own token bucket: `perSecond` webhooks a second (0: not limited), bursts of `burst`
 * (default twice the rate, at least 1).
 */
export const sourceRateLimitSchema = z
  .object({
    perSecond: numberIn('perSecond', { whole: false, unit: 'of webhooks per second', min: 0, max: 1_000_000 }),
    burst: numberIn('burst', { whole: true, unit: 'of webhooks', min: 1, max: 10_000_000 }).optional(),
  })
  .strict()
  .transform(({ perSecond, burst }): RateLimit => ({ perSecond, burst: burst ?? Math.max(1, Math.ceil(perSecond * 2)) }));

/**
 * An HTTP header name: one message whether it is empty, too long or holds a character a header
 * name cannot (the pattern takes at least one character, so an empty name is one issue, not two).
 */
const HEADER_NAME_MESSAGE = `a header name must be 1 to 100 characters, ${HEADER_NAME_RULE}`;
const headerName = z.string({ error: HEADER_NAME_MESSAGE }).max(100, HEADER_NAME_MESSAGE).regex(HEADER_NAME, HEADER_NAME_MESSAGE);

/** Most secrets a source holds at once: the current one and those being rotated out. */
const MAX_SECRETS = 5;
const SECRET_RULE = `a secret must be a string of 1 to 500 characters, or a list of 1 to ${MAX_SECRETS} of them (while rotating)`;
const secretText = z.string({ error: SECRET_RULE }).min(1, SECRET_RULE).max(500, SECRET_RULE);

/**
 * One secret or a list of them. zod reports a union that no option takes as "Invalid input";
 * the error map says which rule the value broke instead.
 */
const secretField = z.union([secretText, z.array(secretText, { error: SECRET_RULE }).min(1, SECRET_RULE).max(MAX_SECRETS, SECRET_RULE)], {
  error: (issue) =>
    Array.isArray(issue.input) && issue.input.length > MAX_SECRETS
      ? `at most ${MAX_SECRETS} secrets (${issue.input.length} given): ${SECRET_RULE}`
      : SECRET_RULE,
});

/** `PUT /v1/sources/{name}`. A secret may be a list while it is rotated; omitted, one is generated and shown once. */
export const sourceDeclarationSchema = z
  .object({
    exchange: z.string(),
    verify: z.discriminatedUnion('scheme', [
      z.object({ scheme: z.literal('standard-webhooks'), secret: secretField.optional(), timestampToleranceS: numberIn('timestampToleranceS', { whole: true, unit: 'of seconds', min: 1, max: 86_400 }).optional() }).strict(),
      z.object({ scheme: z.literal('hmac-sha256'), secret: secretField.optional(), header: headerName.optional() }).strict(),
      z.object({ scheme: z.literal('none') }).strict(),
    ]),
    routingKey: z
      .discriminatedUnion('from', [
        z.object({ from: z.literal('header'), name: headerName }).strict(),
        z.object({ from: z.literal('json'), path: textIn('a JSON path', 1, 200) }).strict(),
        z.object({ from: z.literal('cloudevents') }).strict(),
      ])
      .optional(),
    rateLimit: sourceRateLimitSchema.optional(),
  })
  .strict();

export const sourceViewSchema = z.object({
  name: z.string(),
  exchange: z.string(),
  verify: z.object({ scheme: z.string(), header: z.string().optional(), timestampToleranceS: z.number().optional(), secrets: z.number() }),
  routingKey: z.unknown().nullable(),
  rateLimit: z.object({ perSecond: z.number(), burst: z.number() }).nullable().describe('This source\'s own limit; null: HATOBA_SOURCE_RATE_LIMIT'),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: z.record(z.string(), z.number()),
});

export type SourceOutcome = 'accepted' | 'duplicate' | Refusal | 'rate_limited';

const rowSource = (r: Record<string, unknown>): Source => ({
  name: String(r.name),
  exchange: String(r.exchange),
  verify: jsonValue<VerifyConfig>(r.verify),
  routingKey: r.routing_key == null ? null : jsonValue<RoutingKeyRule>(r.routing_key),
  rateLimit: r.rate_limit == null ? null : jsonValue<RateLimit>(r.rate_limit),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

type SourceDeclaration = Pick<Source, 'name' | 'exchange' | 'verify' | 'routingKey'> &
  Partial<Pick<Source, 'rateLimit'>> & {
    /**
     * The declaration named no secret (`verify.secrets` holds a generated one): a source that
     * exists with the same scheme keeps its secrets, so re-declaring it (to change its routing
     * key, say) does not lock its sender out. A new source, or a changed scheme, takes the generated one.
     */
    secretsOmitted?: boolean;
  };

/**
 * The exchange a source publishes to: a declared one. The default exchange (`amq.default`) is
 * refused rather than accepted: it routes by queue name, and a source's routing key comes from
 * what the sender sends (a header, a JSON field, the CloudEvent type), so every third party
 * could pick any queue (the nodes' reply queues too) by naming it. Bind the queue to an exchange.
 */
export function checkSourceExchange(exchange: string): void {
  checkName('exchange', exchange);
  if (isReservedName(exchange)) {
    throw new BrokerError(
      'reserved_name',
      `A source cannot publish to '${exchange}': ${exchange === 'amq.default' ? "the default exchange routes by queue name, so a webhook's sender would choose the queue" : "names starting with 'amq.' are reserved"}. Declare an exchange, bind the queue to it, and give that exchange`,
      { field: 'exchange', exchange },
    );
  }
}

/**
 * Stores a source, in one transaction with a share lock on its exchange's row: an exchange being
 * deleted meanwhile (which locks its row and refuses while a source names it) is either seen
 * gone here (404) or sees this source, never neither.
 */
export async function sourceUpsert(db: Db, s: SourceDeclaration): Promise<SourceWritten> {
  checkSourceExchange(s.exchange);
  return db.tx(async (q) => {
    const found = await q.query('SELECT name FROM exchanges WHERE name = $1 FOR SHARE', [s.exchange]);
    if (found.length === 0) throw notFound('exchange', s.exchange);
    return sourceWrite(q, s);
  });
}

/** `created`: the source is new; `secretsKept`: it existed and kept its secrets (see `secretsOmitted`). */
export type SourceWritten = { created: boolean; secretsKept: boolean };

async function sourceWrite(q: Sql, s: SourceDeclaration): Promise<SourceWritten> {
  const [row] = await q.query<{ created: boolean; secrets_kept: boolean }>(
    `INSERT INTO sources (name, exchange, verify, routing_key, rate_limit) VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb)
     ON CONFLICT (name) DO UPDATE SET exchange = EXCLUDED.exchange,
       verify = CASE WHEN $6 AND sources.verify ->> 'scheme' = EXCLUDED.verify ->> 'scheme'
                     THEN jsonb_set(EXCLUDED.verify, '{secrets}', sources.verify -> 'secrets')
                     ELSE EXCLUDED.verify END,
       routing_key = EXCLUDED.routing_key, rate_limit = EXCLUDED.rate_limit, updated_at = now()
     RETURNING (xmax = 0) AS created, (verify -> 'secrets') IS DISTINCT FROM ($3::text::jsonb -> 'secrets') AS secrets_kept`,
    [s.name, s.exchange, JSON.stringify(s.verify), s.routingKey ? JSON.stringify(s.routingKey) : null, s.rateLimit ? JSON.stringify(s.rateLimit) : null, Boolean(s.secretsOmitted)],
  );
  return { created: Boolean(row?.created), secretsKept: Boolean(row?.secrets_kept) };
}

export async function sourceGet(q: Sql, p: { name: string }): Promise<Source | null> {
  const [row] = await q.query('SELECT * FROM sources WHERE name = $1', [p.name]);
  return row ? rowSource(row) : null;
}

export async function sourceList(q: Sql): Promise<Source[]> {
  return (await q.query('SELECT * FROM sources ORDER BY name')).map(rowSource);
}

export async function sourceDelete(q: Sql, p: { name: string }): Promise<boolean> {
  return (await q.query('DELETE FROM sources WHERE name = $1 RETURNING name', [p.name])).length > 0;
}

/** Sources as the gateway uses them: cached for the hook path, with per-node outcome counts. */
export function createSources(db: Db, onOutcome: (source: string, outcome: SourceOutcome) => void = () => {}) {
  const cache = new NotifiedCache<Source | null>({ db, channel: 'hatoba_sources', ttlMs: 60_000, load: (name) => sourceGet(db, { name }) });
  const counts = new Map<string, Record<string, number>>();
  return {
    start: () => cache.start(),
    stop: () => cache.stop(),
    get: (name: string) => cache.get(name),
    list: () => sourceList(db),
    async upsert(s: SourceDeclaration) {
      const result = await sourceUpsert(db, s);
      await cache.invalidate(s.name);
      return result;
    },
    async delete(name: string) {
      const deleted = await sourceDelete(db, { name });
      await cache.invalidate(name);
      return deleted;
    },
    count(source: string, outcome: SourceOutcome, n = 1) {
      const c = counts.get(source) ?? {};
      c[outcome] = (c[outcome] ?? 0) + n;
      counts.set(source, c);
      onOutcome(source, outcome);
    },
    counts: (source: string) => ({ ...counts.get(source) }),
    view(s: Source) {
      const { scheme, header, timestampToleranceS, secrets } = s.verify;
      return {
        name: s.name,
        exchange: s.exchange,
        verify: { scheme, ...(header ? { header } : {}), ...(timestampToleranceS ? { timestampToleranceS } : {}), secrets: secrets.length },
        routingKey: s.routingKey,
        rateLimit: s.rateLimit,
        createdAt: s.createdAt.toISOString(),
        updatedAt: s.updatedAt.toISOString(),
        counts: { ...counts.get(s.name) },
      };
    },
  };
}

export type Sources = ReturnType<typeof createSources>;
