import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { needs } from '../auth/scopes';
import { GatewayError } from './errors';
import { queryInt } from './http';
import { routes } from './index';
import { parseQuery, route, type Request } from './router';

/**
 * A route's query schema is named once, as its `query`: the gateway validates the query with it
 * (parseQuery, before `handle`) and the handler gets the parsed value, typed by `route()`.
 */
describe('query schemas: validated once by the router, the parsed query handed to the handler', () => {
  const probe = route({
    method: 'GET',
    path: '/v1/probe',
    summary: 'probe',
    tag: 'test',
    access: () => needs.monitoring,
    responses: { 200: null },
    query: z.object({ limit: queryInt('limit', 1, 10).default(5), header: z.array(z.string()).optional(), key: z.string().optional() }).strict(),
    async handle(_r, q) {
      expectTypeOf(q.limit).toEqualTypeOf<number>();
      expectTypeOf(q.header).toEqualTypeOf<string[] | undefined>();
      return { status: 200, body: q };
    },
  });
  const refusal = (route: Parameters<typeof parseQuery>[0], query: string) => {
    try {
      parseQuery(route, new URLSearchParams(query));
    } catch (e) {
      expect(e).toBeInstanceOf(GatewayError);
      return { code: (e as GatewayError).code, details: (e as GatewayError).details };
    }
    throw new Error(`?${query} was not refused`);
  };
  const find = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;

  it('parses with defaults and transforms, and the handler gets that value', async () => {
    const q = parseQuery(probe, new URLSearchParams('limit=7&header=a:1&header=b:2'));
    expect(q).toEqual({ limit: 7, header: ['a:1', 'b:2'] });
    expect((await probe.handle({} as Request, q)).body).toEqual({ limit: 7, header: ['a:1', 'b:2'] });
    expect(parseQuery(probe, new URLSearchParams())).toEqual({ limit: 5 });
  });

  it('a bad value is 400 validation_failed naming the parameter; a parameter that is not an array is refused when repeated', () => {
    expect(refusal(probe, 'limit=x')).toEqual({
      code: 'validation_failed',
      details: { field: 'limit', issues: [{ path: 'limit', message: 'limit must be a whole number from 1 to 10' }] },
    });
    expect(refusal(probe, 'key=a&key=b')).toEqual({ code: 'validation_failed', details: { field: 'key', issues: [{ path: 'key', message: 'given more than once' }] } });
  });

  it("the gateway's own routes: array parameters repeat (header=…), names and 'any' are not parsed", () => {
    expect(parseQuery(find('GET', '/v1/messages'), new URLSearchParams('header=a:1&header=b:2'))).toMatchObject({ header: ['a:1', 'b:2'], limit: 50 });
    expect(parseQuery(find('GET', '/v1/exchanges/{exchange}/log'), new URLSearchParams('after=3'))).toEqual({ after: 3, limit: 100 });
    expect(refusal(find('GET', '/v1/exchanges/{exchange}/log'), 'limit=0').details).toMatchObject({ field: 'limit' });
    expect(parseQuery(find('POST', '/v1/exchanges/{exchange}/messages'), new URLSearchParams('key=k'))).toBeUndefined();
    expect(parseQuery(find('POST', '/v1/hooks/{name}'), new URLSearchParams('anything=1'))).toBeUndefined();
  });
});
