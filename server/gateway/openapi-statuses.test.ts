import { describe, expect, it } from 'vitest';
import { routes } from './index';
import { buildOpenApi } from './openapi';

/** The statuses each operation documents: those the gateway can answer it with, from what every request can get and what the route declares. */
describe('error statuses in the OpenAPI document', () => {
  const doc = buildOpenApi(routes, 'test') as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const op = (method: string, path: string) => doc.paths[path]![method.toLowerCase()]!;
  const statuses = (method: string, path: string) => Object.keys(op(method, path).responses).map(Number).sort((a, b) => a - b);
  const description = (method: string, path: string, status: number) => op(method, path).responses[status]!.description;

  it('publish lists 401/403/429, 503 with its codes and 507', () => {
    expect(statuses('POST', '/v1/exchanges/{exchange}/messages')).toEqual([201, 400, 401, 403, 404, 413, 415, 429, 500, 503, 507]);
    for (const code of ['quorum_lost', 'database_timeout', 'shutting_down', 'database_unavailable']) {
      expect(description('POST', '/v1/exchanges/{exchange}/messages', 503)).toContain(code);
    }
    expect(description('POST', '/v1/exchanges/{exchange}/messages', 507)).toContain('memory_limit');
    expect(description('POST', '/v1/exchanges/{exchange}/messages', 429)).toContain('rate_limited');
    expect(statuses('POST', '/v1/exchanges/{exchange}/messages:batch')).toEqual([201, 400, 401, 403, 404, 413, 415, 429, 500, 503, 507]);
  });

  it('receive lists 400 and 429 (and 401/403/413/503) but no quorum_lost nor 507', () => {
    expect(statuses('POST', '/v1/queues/{name}/receive')).toEqual([200, 400, 401, 403, 404, 413, 429, 500, 503]);
    expect(description('POST', '/v1/queues/{name}/receive', 503)).not.toContain('quorum_lost');
    expect(description('POST', '/v1/queues/{name}/receive', 400)).toContain('validation_failed');
  });

  it('an operation without body or query still lists 400 (unknown query parameters), the key statuses and 503', () => {
    expect(statuses('GET', '/v1/queues')).toEqual([200, 400, 401, 403, 429, 500, 503]);
    expect(description('GET', '/v1/queues', 401)).toContain('unauthenticated');
    expect(description('GET', '/v1/queues', 403)).toContain('forbidden');
    expect(statuses('POST', '/v1/queues/{dlq}/replay')).toEqual([200, 400, 401, 403, 404, 409, 413, 429, 500, 503, 507]);
  });

  it('inbound webhooks: the signature refusals under 401, quorum_lost under 503', () => {
    expect(statuses('POST', '/v1/hooks/{name}')).toEqual([202, 400, 401, 403, 404, 413, 415, 429, 500, 503, 507]);
    expect(description('POST', '/v1/hooks/{name}', 401)).toContain('signature_invalid');
    expect(description('POST', '/v1/hooks/{name}', 503)).toContain('quorum_lost');
  });

  it('every error answer uses the shared error schema', () => {
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(methods)) {
        for (const [status, answer] of Object.entries(o.responses)) {
          if (Number(status) < 400) continue;
          expect(answer.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
  });
});
