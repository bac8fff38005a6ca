import { z } from 'zod';
import type { Route } from './router';

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

/** OpenAPI 3.1 made from the routes' own zod schemas, so the document cannot drift from the code. */
export function buildOpenApi(routes: Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
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
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      parameters: params,
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hatoba gateway API', version, description: 'HTTP-to-queue gateway. Errors: {error: {code, message, details}}.' },
    servers: [{ url: '/' }],
    paths,
  };
}
