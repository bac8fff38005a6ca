import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * Defects a user walkthrough found: names no route can reach, bodies ignored by routes that take
 * none, a 409 naming the wrong queue, push routes answering push_not_found for a missing queue,
 * unbounded consumer names and push URLs, and a push secret refusal that did not say where.
 */
describe.each(drivers)('walkthrough defects (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const names = async (list: 'queues' | 'exchanges') => ((await api('GET', `/v1/${list}`)).body[list] as { name: string }[]).map((x) => x.name);
  const ready = async (queue: string) => (await api('GET', `/v1/queues/${queue}`)).body.ready as number;

  beforeAll(async () => {
    // Loopback push targets allowed: a declare checks the URL but sends nothing to an empty queue.
    s = await startTestServer(driver, { HATOBA_PUSH_ALLOW_HOSTS: '127.0.0.1' });
    await api('PUT', '/v1/exchanges/wx', { type: 'direct' });
    for (const q of ['wq', 'wp']) await api('PUT', `/v1/queues/${q}`, {});
    await api('POST', '/v1/bindings', { exchange: 'wx', queue: 'wq', key: 'k' });
  });
  afterAll(async () => s.close());

  describe('1. the names . and .. (URLs resolve them away) are 400 invalid_name', () => {
    it('in a definitions import, as a queue or an exchange, and nothing is imported', async () => {
      for (const name of ['.', '..']) {
        for (const doc of [{ queues: [{ name, settings: { deadLetter: false } }] }, { exchanges: [{ name, type: 'direct' }] }]) {
          const r = await api('POST', '/v1/definitions', doc);
          expect({ status: r.status, code: r.body?.error?.code }, JSON.stringify(doc)).toEqual({ status: 400, code: 'invalid_name' });
          expect(r.body.error.message).toMatch(/'\.' and '\.\.' cannot be names: URLs resolve them as path segments/);
        }
      }
      expect(await names('queues')).not.toContain('.');
      expect(await names('exchanges')).not.toEqual(expect.arrayContaining(['.', '..']));
      // names with dots that a URL keeps are still fine
      const ok = await api('POST', '/v1/definitions', { exchanges: [{ name: '...', type: 'direct' }], queues: [{ name: '.a', settings: { deadLetter: false } }] });
      expect(ok.status).toBe(200);
      expect((await api('GET', '/v1/queues/.a')).status).toBe(200);
      expect((await api('GET', '/v1/exchanges/.../log')).status).toBe(200);
    });

    it("as a binding's queue or exchange, a Hatoba-Reply-To and a batch replyTo", async () => {
      for (const b of [{ exchange: 'wx', queue: '..', key: 'k' }, { exchange: '.', queue: 'wq', key: 'k' }]) {
        const bind = await api('POST', '/v1/bindings', b);
        expect([bind.status, bind.body.error.code]).toEqual([400, 'invalid_name']);
      }
      // a valid name that is not declared is still 404
      expect((await api('POST', '/v1/bindings', { exchange: 'wx', queue: 'absent', key: 'k' })).body.error.code).toBe('queue_not_found');
      for (const replyTo of ['.', '..']) {
        const r = await api('POST', '/v1/exchanges/wx/messages?key=k', 'x', { 'hatoba-reply-to': replyTo });
        expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'invalid_name' });
        const b = await api('POST', '/v1/exchanges/wx/messages:batch', { messages: [{ routingKey: 'k', body: 1, replyTo }] });
        expect({ status: b.status, code: b.body?.error?.code }).toEqual({ status: 400, code: 'invalid_name' });
        expect(r.body.error.message).toMatch(/cannot be names: URLs resolve them/);
        expect(b.body.error.details).toMatchObject({ field: 'messages.0.replyTo', queue: replyTo });
      }
      expect(await ready('wq')).toBe(0);
      // a reply-to with dots a URL keeps still goes through
      expect((await api('POST', '/v1/exchanges/wx/messages?key=k', 'x', { 'hatoba-reply-to': 'replies...x' })).status).toBe(201);
      await api('POST', '/v1/queues/wq/purge');
    });
  });

  describe('2. a body on a route that reads none is 400 validation_failed, not ignored', () => {
    it('purge with {"ids": […]} or text that is not JSON purges nothing', async () => {
      await api('POST', '/v1/queues/wq/messages', 'one');
      await api('POST', '/v1/queues/wq/messages', 'two');
      const ids = await api('POST', '/v1/queues/wq/purge', { ids: ['x'] });
      expect({ status: ids.status, code: ids.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(ids.body.error.message).toMatch(/^ids: POST \/v1\/queues\/\{name\}\/purge takes no body/);
      expect(ids.body.error.details).toMatchObject({ field: 'ids', issues: [{ path: 'ids', message: expect.any(String) }] });
      const text = await api('POST', '/v1/queues/wq/purge', 'not json');
      expect({ status: text.status, code: text.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(text.body.error.message).toMatch(/^The body: POST \/v1\/queues\/\{name\}\/purge takes no body/);
      expect(text.body.error.details.issues).toEqual([{ path: '', message: expect.any(String) }]);
      expect(await ready('wq')).toBe(2);
      // no body, white space, or an empty object: a purge
      expect((await api('POST', '/v1/queues/wq/purge', '{}', { 'content-type': 'application/json' })).body).toEqual({ purged: 2 });
      expect((await api('POST', '/v1/queues/wq/purge', ' \n')).status).toBe(200);
      expect((await api('POST', '/v1/queues/wq/purge')).body).toEqual({ purged: 0 });
    });

    it('a large body is refused the same way, without reading it', async () => {
      const r = await api('POST', '/v1/queues/wq/purge', 'x'.repeat(200_000));
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
    });

    it('DELETE of a queue, an exchange, a source, a push endpoint, a key with a body deletes nothing', async () => {
      await api('PUT', '/v1/queues/wdel', {});
      const made = await api('POST', '/v1/keys', { name: 'wkey', scopes: ['publish:orders*'] });
      expect(made.status).toBe(201);
      const key = made.body.id as string;
      await api('PUT', '/v1/exchanges/wdelx', { type: 'fanout' });
      await api('PUT', '/v1/sources/wsrc', { exchange: 'wdelx', verify: { scheme: 'none' } });
      await api('PUT', '/v1/queues/wdel/push', { url: 'http://127.0.0.1:9/hook' });
      for (const [path, body] of [
        ['/v1/queues/wdel', { ifEmpty: true }],
        ['/v1/queues/wdel/push', { force: true }],
        ['/v1/sources/wsrc', 'x'],
        ['/v1/exchanges/wdelx', { ifUnused: true }],
        [`/v1/keys/${key}`, { reason: 'leaked' }],
      ] as [string, unknown][]) {
        const r = await api('DELETE', path, body);
        expect({ status: r.status, code: r.body?.error?.code }, path).toEqual({ status: 400, code: 'validation_failed' });
        expect(r.body.error.message, path).toMatch(/takes no body/);
      }
      expect((await api('GET', '/v1/queues/wdel/push')).status).toBe(200);
      expect((await api('GET', '/v1/sources')).body.sources.map((x: { name: string }) => x.name)).toContain('wsrc');
      expect(await names('queues')).toContain('wdel');
      expect((await api('GET', '/v1/keys')).body.keys.find((k: { id: string }) => k.id === key)).toMatchObject({ revokedAt: null });
      // without a body (or with {}) they go
      expect((await api('DELETE', `/v1/keys/${key}`, {})).status).toBeLessThan(300);
      expect((await api('DELETE', '/v1/queues/wdel/push', {})).status).toBe(204);
      expect((await api('DELETE', '/v1/sources/wsrc')).status).toBe(204);
      expect((await api('DELETE', '/v1/queues/wdel')).status).toBe(204);
      expect((await api('DELETE', '/v1/exchanges/wdelx', {})).status).toBe(204);
    });
  });

  it('3. changing a queue durability is 409 naming the queue asked about, not its .dlq', async () => {
    expect((await api('PUT', '/v1/queues/qm2', { durability: 'memory' })).status).toBe(201);
    const r = await api('PUT', '/v1/queues/qm2', { durability: 'durable' });
    expect({ status: r.status, code: r.body?.error?.code, queue: r.body?.error?.details?.queue }).toEqual({
      status: 409,
      code: 'queue_settings_mismatch',
      queue: 'qm2',
    });
    expect(r.body.error.message).toMatch(/^Queue 'qm2' exists with durability 'memory'; delete it/);
    // as with deadLetter: false
    const nodl = await api('PUT', '/v1/queues/qm2', { durability: 'durable', deadLetter: false });
    expect([nodl.status, nodl.body.error.details.queue]).toEqual([409, 'qm2']);
    // once qm2 is gone, its memory .dlq is the blocker, and it can be deleted
    expect((await api('DELETE', '/v1/queues/qm2')).status).toBe(204);
    const dlq = await api('PUT', '/v1/queues/qm2', { durability: 'durable' });
    expect([dlq.status, dlq.body.error.details.queue]).toEqual([409, 'qm2.dlq']);
    expect((await api('DELETE', '/v1/queues/qm2.dlq')).status).toBe(204);
    expect((await api('PUT', '/v1/queues/qm2', { durability: 'durable' })).status).toBe(201);
  });

  it('4. GET and DELETE …/push of a queue that does not exist are 404 queue_not_found; of one without an endpoint, push_not_found', async () => {
    for (const method of ['GET', 'DELETE']) {
      const r = await api(method, '/v1/queues/nope/push');
      expect({ status: r.status, code: r.body?.error?.code }, method).toEqual({ status: 404, code: 'queue_not_found' });
      const bad = await api(method, '/v1/queues/a%20b/push');
      expect({ status: bad.status, code: bad.body?.error?.code }, method).toEqual({ status: 400, code: 'invalid_name' });
      const none = await api(method, '/v1/queues/wp/push');
      expect({ status: none.status, code: none.body?.error?.code }, method).toEqual({ status: 404, code: 'push_not_found' });
    }
  });

  describe('5. length limits', () => {
    it('a Hatoba-Consumer over 200 characters (or empty) is 400 naming the header, and not listed', async () => {
      const long = 'c'.repeat(201);
      const r = await api('POST', '/v1/queues/wq/receive', {}, { 'hatoba-consumer': long });
      expect({ status: r.status, code: r.body?.error?.code, header: r.body?.error?.details?.header }).toEqual({
        status: 400,
        code: 'validation_failed',
        header: 'Hatoba-Consumer',
      });
      expect(r.body.error.message).toMatch(/^Header Hatoba-Consumer must be 1–200 characters/);
      const empty = await api('POST', '/v1/queues/wq/receive', {}, { 'hatoba-consumer': '' });
      expect({ status: empty.status, header: empty.body?.error?.details?.header }).toEqual({ status: 400, header: 'Hatoba-Consumer' });
      const max = 'c'.repeat(200);
      expect((await api('POST', '/v1/queues/wq/receive', {}, { 'hatoba-consumer': max })).status).toBe(200);
      const listed = (await api('GET', '/v1/queues/wq/consumers')).body.consumers.map((c: { name: string }) => c.name);
      expect(listed).toContain(max);
      expect(listed).not.toContain(long);
    });

    it('a push URL over 2,048 characters is 400 validation_failed naming url', async () => {
      const url = `http://127.0.0.1:9/${'p'.repeat(5000)}`;
      const r = await api('PUT', '/v1/queues/wp/push', { url });
      expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }).toEqual({ status: 400, code: 'validation_failed', field: 'url' });
      expect(r.body.error.message).toMatch(/^url: .*at most 2,048 characters/);
      expect((await api('GET', '/v1/queues/wp/push')).body.error.code).toBe('push_not_found');
      const fits = `http://127.0.0.1:9/${'p'.repeat(2048 - 'http://127.0.0.1:9/'.length)}`;
      expect((await api('PUT', '/v1/queues/wp/push', { url: fits })).status).toBe(201);
      expect((await api('DELETE', '/v1/queues/wp/push')).status).toBe(204);
    });
  });

  it('6. a bad push or source secret is validation_failed starting with its field, with issues', async () => {
    const push = await api('PUT', '/v1/queues/wp/push', { url: 'http://127.0.0.1:9/hook', secret: 'nope' });
    expect({ status: push.status, code: push.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(push.body.error.message).toMatch(/^secret: /);
    expect(push.body.error.details).toEqual({ field: 'secret', issues: [{ path: 'secret', message: expect.stringMatching(/whsec_/) }] });
    const source = await api('PUT', '/v1/sources/wsecret', { exchange: 'wx', verify: { scheme: 'standard-webhooks', secret: ['whsec_' + Buffer.alloc(16).toString('base64'), 'nope'] } });
    expect({ status: source.status, code: source.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(source.body.error.message).toMatch(/^verify\.secret\[1\]: /);
    expect(source.body.error.details).toEqual({ field: 'verify.secret.1', issues: [{ path: 'verify.secret.1', message: expect.stringMatching(/whsec_/) }] });
    const one = await api('PUT', '/v1/sources/wsecret', { exchange: 'wx', verify: { scheme: 'standard-webhooks', secret: 'nope' } });
    expect(one.body.error.message).toMatch(/^verify\.secret: /);
    expect(one.body.error.details.field).toBe('verify.secret');
  });
});
