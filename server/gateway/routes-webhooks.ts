import { z } from 'zod';
import { rateLimited } from '../auth';
import { needs } from '../auth/scopes';
import { checkName } from '../broker/names';
import { hookMessages } from '../webhooks/inbound';
import { checkContentEncoding } from './publish-headers';
import { pushView, pushViewSchema } from '../webhooks/push-view';
import { checkSourceExchange, numberIn, sourceDeclarationSchema, sourceViewSchema } from '../webhooks/sources';
import { DEFAULT_HMAC_HEADER, newWebhookSecret, standardSecretKey, verifyWebhook, type VerifyConfig } from '../webhooks/verify';
import { fieldInvalid, GatewayError } from './errors';
import { textHeaders } from './header-text';
import type { Request, Route } from './router';
import { errorSchema } from './schemas';

const tag = 'Webhooks';

async function sourceOr404(r: Request) {
  const source = await r.ctx.webhooks.sources.get(r.params.name!);
  if (!source) throw new GatewayError('source_not_found', `Source '${r.params.name}' does not exist`, { source: r.params.name });
  return source;
}

/**
 * A declaration's verify block as stored: secrets as a list, generated when omitted (shown once,
 * unless the source exists with the same scheme and keeps its own: see `secretsOmitted`).
 */
function verifyConfig(v: z.infer<typeof sourceDeclarationSchema>['verify']): { config: VerifyConfig; generated?: string } {
  if (v.scheme === 'none') return { config: { scheme: 'none', secrets: [] } };
  const generated = v.secret === undefined ? newWebhookSecret() : undefined;
  const secrets = generated ? [generated] : typeof v.secret === 'string' ? [v.secret] : v.secret!;
  if (v.scheme === 'standard-webhooks') {
    const bad = secrets.findIndex((s) => !standardSecretKey(s));
    if (bad >= 0) {
      // Where, as every validation_failed of a JSON body says: verify.secret, or verify.secret.1 in a list.
      const path = typeof v.secret === 'string' ? 'verify.secret' : `verify.secret.${bad}`;
      const message = 'a standard-webhooks secret is whsec_ followed by base64 of at least 16 bytes';
      throw fieldInvalid(path, message);
    }
    return { config: { scheme: v.scheme, secrets, timestampToleranceS: v.timestampToleranceS }, generated };
  }
  return { config: { scheme: v.scheme, secrets, header: (v.header ?? DEFAULT_HMAC_HEADER).toLowerCase() }, generated };
}

/** The longest push URL: what browsers, proxies and most servers take (a longer one is a mistake, or data that belongs in the body). */
const MAX_PUSH_URL = 2048;

const pushDeclarationSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(MAX_PUSH_URL, `at most ${MAX_PUSH_URL.toLocaleString('en-US')} characters`),
    secret: z.string({ error: 'secret must be a string (the key push signatures are made with)' }).optional(),
    concurrency: numberIn('concurrency', { whole: true, unit: 'of requests at once', min: 1, max: 100 }).default(4),
    timeoutMs: numberIn('timeoutMs', { whole: true, unit: 'of milliseconds', min: 100, max: 120_000 }).default(10_000),
  })
  .strict();

export const webhookRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/v1/sources/{name}',
    tag,
    summary:
      'Declare an inbound webhook source: the exchange it publishes to, how it is verified, where its routing key comes from, and optionally its own rate limit',
    request: sourceDeclarationSchema,
    responses: { 200: sourceViewSchema, 201: sourceViewSchema, 400: errorSchema, 404: errorSchema },
    access: () => needs.manage,
    audit: (r, reply) => ({ action: 'source.declare', target: r.params.name!, detail: { created: reply.status === 201 } }),
    async handle(r) {
      const name = r.params.name!;
      checkName('source', name);
      const body = await r.json(sourceDeclarationSchema);
      // amq.default is refused (400 reserved_name); a missing exchange is 404, checked where the source is stored.
      checkSourceExchange(body.exchange);
      const { config, generated } = verifyConfig(body.verify);
      const { sources } = r.ctx.webhooks;
      const { created, secretsKept } = await sources.upsert({
        name,
        exchange: body.exchange,
        verify: config,
        routingKey: body.routingKey ?? null,
        rateLimit: body.rateLimit ?? null,
        secretsOmitted: generated !== undefined,
      });
      const view = sources.view((await sources.get(name))!);
      return { status: created ? 201 : 200, body: generated && !secretsKept ? { ...view, secret: generated } : view };
    },
  },
  {
    method: 'GET',
    path: '/v1/sources',
    tag,
    summary: 'Inbound webhook sources (without their secrets), with what this node accepted and refused',
    responses: { 200: z.object({ sources: z.array(sourceViewSchema) }) },
    access: () => needs.monitoring,
    async handle(r) {
      const { sources } = r.ctx.webhooks;
      return { status: 200, body: { sources: (await sources.list()).map(sources.view) } };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/sources/{name}',
    tag,
    summary: 'Delete an inbound webhook source',
    responses: { 204: null, 404: errorSchema },
    access: () => needs.manage,
    audit: (r) => ({ action: 'source.delete', target: r.params.name! }),
    async handle(r) {
      if (!(await r.ctx.webhooks.sources.delete(r.params.name!))) await sourceOr404(r);
      return { status: 204, body: null };
    },
  },
  {
    method: 'POST',
    path: '/v1/hooks/{name}',
    // senders may add their own parameters to the URL they are given
    query: 'any',
    tag,
    summary:
      'Receive a webhook: verified (401 signature_missing, signature_invalid, timestamp_out_of_tolerance), deduplicated by its webhook id, published, 202',
    rawBody: true,
    responses: {
      202: z.object({ messages: z.array(z.object({ id: z.string(), duplicate: z.boolean() })) }),
      401: errorSchema,
      404: errorSchema,
      415: errorSchema,
      429: errorSchema,
    },
    // A signed source's signature is its credential; an unsigned one needs a key that may publish to its exchange.
    accessVaries: "no key for a signed source (its signature is the credential); publish:<the source's exchange> for a source with scheme none",
    async access(r) {
      const source = await r.ctx.webhooks.sources.get(r.params.name!);
      return source?.verify.scheme === 'none' ? needs.publish(source.exchange) : needs.public;
    },
    async handle(r) {
      const source = await sourceOr404(r);
      // Stored as sent: a compressed body would be kept compressed under a type that does not say so (415).
      checkContentEncoding(r.req.headers);
      const { sources, takeSource } = r.ctx.webhooks;
      const body = await r.body();
      // Read as UTF-8 where they are (header-text.ts): the CloudEvents library reads ce-* itself.
      const headers = textHeaders(r.req.headers);
      const verdict = verifyWebhook(source.verify, headers, body);
      if (!verdict.ok) {
        sources.count(source.name, verdict.code);
        throw new GatewayError(verdict.code, verdict.message, { source: source.name });
      }
      // Only what passed the source's check spends its rate: requests anyone can send without
      // the secret must not use up the sender's allowance and lock it out.
      const allowed = takeSource(source);
      if (!allowed.ok) {
        sources.count(source.name, 'rate_limited');
        throw rateLimited(allowed.retryAfterS, `source '${source.name}'`);
      }
      const inputs = hookMessages(source, headers, body);
      const results = inputs.length === 1 ? [await r.ctx.broker.publish(inputs[0]!)] : await r.ctx.broker.publishBatch(inputs);
      const duplicates = results.filter((x) => x.duplicate).length;
      if (results.length > duplicates) sources.count(source.name, 'accepted', results.length - duplicates);
      if (duplicates) sources.count(source.name, 'duplicate', duplicates);
      return { status: 202, body: { messages: results.map((x) => ({ id: x.id, duplicate: x.duplicate })) } };
    },
  },
  {
    method: 'PUT',
    path: '/v1/queues/{name}/push',
    tag,
    summary: 'Push a queue to a URL: each message POSTed, signed per Standard Webhooks; a 2xx acks, anything else nacks',
    request: pushDeclarationSchema,
    responses: { 200: pushViewSchema, 201: pushViewSchema, 400: errorSchema, 404: errorSchema },
    access: () => needs.manage,
    audit: (r, reply) => ({ action: 'push.declare', target: r.params.name!, detail: { url: (reply.body as { url: string }).url, created: reply.status === 201 } }),
    async handle(r) {
      const { created, endpoint, generatedSecret } = await r.ctx.webhooks.push.declare(r.params.name!, await r.json(pushDeclarationSchema));
      return { status: created ? 201 : 200, body: { ...pushView(endpoint), ...(generatedSecret ? { secret: generatedSecret } : {}) } };
    },
  },
  {
    method: 'GET',
    path: '/v1/queues/{name}/push',
    tag,
    summary: "A queue's push endpoint (without its secret): active, or disabled and why",
    responses: { 200: pushViewSchema, 404: errorSchema },
    access: () => needs.monitoring,
    async handle(r) {
      const endpoint = await r.ctx.webhooks.push.get(r.params.name!);
      return { status: 200, body: { ...pushView(endpoint), running: r.ctx.webhooks.push.running(endpoint.queue) } };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/queues/{name}/push',
    tag,
    summary: 'Stop pushing a queue',
    responses: { 204: null, 404: errorSchema },
    access: () => needs.manage,
    audit: (r) => ({ action: 'push.delete', target: r.params.name! }),
    async handle(r) {
      await r.ctx.webhooks.push.remove(r.params.name!);
      return { status: 204, body: null };
    },
  },
];
