import { z } from 'zod';
import { describeNeed, type Need } from '../auth/scopes';
import { queryNames, type Request, type Route } from './router';

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
      responses[status] = schema
        ? { description: `HTTP ${status}`, content: { 'application/json': { schema: schemaOf(schema) } } }
        : { description: `HTTP ${status}` };
    }
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
