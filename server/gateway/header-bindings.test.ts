import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * Header names are case-insensitive (API.md): a message's are stored lowercased, and a headers
 * binding's names are too, so bindings that differ only in the case of a name are one binding,
 * which matches either way and is unbound either way.
 */
describe.each(drivers)('headers bindings and the case of header names, on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const binding = (values: Record<string, string>, match: 'all' | 'any' = 'all') => ({ exchange: 'docs', queue: 'typed', headers: { match, values } });
  const publish = async (headers: Record<string, string>) => (await api('POST', '/v1/exchanges/docs/messages', 'x', { 'content-type': 'text/plain', ...headers })).body.queues;
  const count = async () => ((await api('GET', '/v1/definitions')).body.bindings as { exchange: string }[]).filter((b) => b.exchange === 'docs').length;

  beforeAll(async () => {
    s = await startTestServer(driver);
    expect((await api('PUT', '/v1/exchanges/docs', { type: 'headers' })).status).toBe(201);
    expect((await api('PUT', '/v1/queues/typed', {})).status).toBe(201);
  });
  afterAll(async () => s.close());

  it('a re-declare with another case is the same binding, stored and answered lowercased, and it matches', async () => {
    const first = await api('POST', '/v1/bindings', binding({ 'X-Type': 'a' }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ headers: { match: 'all', values: { 'x-type': 'a' } }, created: true });
    for (const values of [{ 'x-type': 'a' }, { 'X-TYPE': 'a' }] as Record<string, string>[]) {
      const again = await api('POST', '/v1/bindings', binding(values));
      expect({ status: again.status, created: again.body.created }).toEqual({ status: 200, created: false });
    }
    expect(await count()).toBe(1);
    expect((await api('GET', '/v1/definitions')).body.bindings).toContainEqual({ exchange: 'docs', queue: 'typed', key: '', headers: { match: 'all', values: { 'x-type': 'a' } } });
    expect(await publish({ 'Hatoba-Header-X-Type': 'a' })).toEqual(['typed']);
    expect(await publish({ 'hatoba-header-x-type': 'a' })).toEqual(['typed']);
    expect(await publish({ 'Hatoba-Header-X-Type': 'A' })).toEqual([]); // values stay exact
    // A batch's JSON header names are matched the same way.
    const batch = await api('POST', '/v1/exchanges/docs/messages:batch', { messages: [{ body: 'x', headers: { 'X-TYPE': 'a' } }] });
    expect(batch.body.results[0].queues).toEqual(['typed']);

    // Unbound in yet another case: gone, and nothing routes.
    expect((await api('DELETE', '/v1/bindings', binding({ 'x-TYPE': 'a' }))).body).toEqual({ deleted: true });
    expect(await count()).toBe(0);
    expect(await publish({ 'Hatoba-Header-X-Type': 'a' })).toEqual([]);
  });

  it('one binding naming a header twice in different cases is 400 validation_failed, and nothing is stored', async () => {
    for (const match of ['all', 'any'] as const) {
      const r = await api('POST', '/v1/bindings', binding({ 'X-Type': 'a', 'x-type': 'b' }, match));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'headers.values', header: 'x-type' } });
      expect(r.body.error.message).toBe(
        "headers.values: header names 'X-Type' and 'x-type' differ only in case, and header names are case-insensitive (matched lowercased as 'x-type'): give it once",
      );
    }
    expect(await count()).toBe(0);
    const del = await api('DELETE', '/v1/bindings', binding({ 'X-Type': 'a', 'x-type': 'a' }));
    expect({ status: del.status, code: del.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
    // In a definitions import too.
    const imported = await api('POST', '/v1/definitions', { exchanges: [], queues: [], bindings: [binding({ A: '1', a: '1' })] });
    expect({ status: imported.status, field: imported.body.error.details.field }).toEqual({ status: 400, field: 'headers.values' });
  });

  it('a definitions import with case variants of one binding stores it once', async () => {
    const r = await api('POST', '/v1/definitions', { exchanges: [], queues: [], bindings: [binding({ Region: 'eu' }, 'any'), binding({ region: 'eu' }, 'any')] });
    expect(r.status).toBe(200);
    expect(await count()).toBe(1);
    expect(await publish({ 'Hatoba-Header-Region': 'eu' })).toEqual(['typed']);
    expect((await api('DELETE', '/v1/bindings', binding({ REGION: 'eu' }, 'any'))).body).toEqual({ deleted: true });
  });
});
