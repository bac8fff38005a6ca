import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { describeNeed, type Need } from '../auth/scopes';
import { queryNames, type Request, type Route } from './router';
import { isPublishing } from './publishing';
import { errorSchema } from './schemas';

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

class ReadsState extends Error {}

/**
 * What a route needs, found by asking its own `access` with a stand-in request whose path
 * parameters are placeholders (`publish:<exchange>`). Null when `access` looks at anything else
 * (stored state, the body): then the need depends on the resource, and `accessVaries` says how.
 */
export function declaredNeed(route: Route): Need | null {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, `<${m[1]}>`]));
  const probe = new Proxy({ params } as unknown as Request, {
    get(target, key) {
      if (key === 'params') return target.params;
      throw new ReadsState();
    },
  });
  try {
    const need = route.access(probe);
    if (need instanceof Promise) {
      need.catch(() => {});
      return null;
    }
    return need;
  } catch (err) {
    if (err instanceof ReadsState) return null;
    throw err;
  }
}

/** The operation's security requirement and the scope it names (x-hatoba-scope), from the route's declared access. */
function security(route: Route) {
  const need = declaredNeed(route);
  if (need?.kind === 'public') return { security: [], 'x-hatoba-scope': null, note: 'No API key needed.' };
  if (!need) {
    const text = route.accessVaries ?? 'depends on the resource';
    return { security: [{}, { bearerAuth: [] }], 'x-hatoba-scope': text, note: `Access: ${text}.` };
  }
  const scope = describeNeed(need);
  const note = scope === 'admin' ? 'Needs scope `admin`.' : `Needs scope \`${scope}\` (or \`admin\`).`;
  return { security: [{ bearerAuth: [scope] }], 'x-hatoba-scope': scope, note };
}

/** Replays re-publish stored messages: they can take the memory tier past its limit (507 memory_limit). */
const isReplay = (route: Route) => route.method === 'POST' && route.path.endsWith('/replay');

/** Codes a route's own declared statuses stand for, where the status alone does not say. */
const DECLARED_CODES: Record<number, string[]> = {
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
  504: ['reply_timeout'],
};

/** Codes particular to one operation, by `METHOD path`. */
const ROUTE_CODES: Record<string, Record<number, string[]>> = {
  'POST /v1/hooks/{name}': { 401: ['signature_missing', 'signature_invalid', 'timestamp_out_of_tolerance'], 404: ['source_not_found'] },
  'PUT /v1/queues/{name}/push': { 400: ['push_target_forbidden'] },
};

/**
 * The error statuses the gateway can answer `route` with, each with the codes it may carry,
 * found from what every request goes through (http-server.ts, index.ts, router.ts, auth) and
 * what the route reads; the route's own `responses` add the rest (404, 409, 415, ...).
 */
export function errorAnswers(route: Route): Map<number, Set<string>> {
  const answers = new Map<number, Set<string>>();
  const add = (status: number, ...codes: string[]) => {
    const set = answers.get(status) ?? answers.set(status, new Set()).get(status)!;
    for (const code of codes) set.add(code);
  };
  // Every route: an unknown query parameter, a path that is not valid percent-encoding, text a URL cannot carry.
  add(400, 'validation_failed');
  if (route.request) add(400, 'invalid_json');
  if (route.request || route.rawBody) add(413, 'payload_too_large');
  const need = declaredNeed(route);
  if (need?.kind !== 'public') {
    // With auth on: no valid key, scopes that do not cover the request, the key's own rate.
    add(401, 'unauthenticated');
    add(403, 'forbidden');
    add(429, 'rate_limited');
  }
  add(500, 'internal_error');
  // Every request: a node that is stopping; the database (keys, topology, messages) unreachable.
  add(503, 'shutting_down', 'database_unavailable');
  const consumes = need?.kind === 'consume';
  if (isPublishing(route)) add(503, 'quorum_lost');
  // Publishes and acks wait for their commit, and reads of the topology for its reload, at most HATOBA_COMMIT_TIMEOUT_MS.
  if (isPublishing(route) || consumes || isReplay(route)) add(503, 'database_timeout');
  if (isPublishing(route) || isReplay(route)) add(507, 'memory_limit');
  for (const status of Object.keys(route.responses).map(Number)) {
    if (status >= 400) add(status, ...(DECLARED_CODES[status] ?? []));
  }
  for (const [status, codes] of Object.entries(ROUTE_CODES[`${route.method} ${route.path}`] ?? {})) add(Number(status), ...codes);
  return answers;
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };

function errorResponse(status: number, codes: Set<string>) {
  const text = codes.size > 0 ? `: ${[...codes].join(', ')}` : '';
  return { description: `${STATUS_CODES[status] ?? `HTTP ${status}`}${text}`, content: { 'application/json': { schema: ERROR_REF } } };
}

/** OpenAPI 3.1 made from the routes' own zod schemas and access needs, so the document cannot drift from the code. */
export function buildOpenApi(routes: Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...(queryNames(route) ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      if (Number(status) >= 400) continue;
      responses[status] = schema
        ? { description: `HTTP ${status}`, content: { 'application/json': { schema: schemaOf(schema) } } }
        : { description: `HTTP ${status}` };
    }
    for (const [status, codes] of [...errorAnswers(route)].sort(([a], [b]) => a - b)) responses[status] = errorResponse(status, codes);
    const requestBody = route.request
      ? { required: false, content: { 'application/json': { schema: schemaOf(route.request) } } }
      : route.rawBody
        ? { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } }
        : undefined;
    const access = security(route);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      description: `${access.note} Scopes apply when auth is on (see bearerAuth).`,
      tags: [route.tag],
      parameters: params,
      ...(requestBody ? { requestBody } : {}),
      responses,
      security: access.security,
      'x-hatoba-scope': access['x-hatoba-scope'],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hatoba gateway API', version, description: 'HTTP-to-queue gateway. Errors: {error: {code, message, details}}.' },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: schemaOf(errorSchema) },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (hk_…) or HATOBA_ADMIN_TOKEN, needed when auth is on (the server listens beyond loopback or has admin credentials). ' +
            'Each operation lists the scope it needs: publish:<exchange pattern>, consume:<queue pattern>, manage, monitoring or admin; admin covers all. ' +
            'Without a valid key: 401 unauthenticated; with one whose scopes do not cover the operation: 403 forbidden.',
        },
      },
    },
    paths,
  };
}
