import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { drivers } from '../../test/databases';
import { startTestBroker, sleep, type TestBroker } from '../../test/broker';
import { call, startTestServer, type TestServer } from '../../test/server';
import { sourceUpsert } from './sources';

const none = { scheme: 'none' } as const;

describe.each(drivers)("a webhook source's exchange and headers, over HTTP on %s", (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);

  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('an exchange a source publishes to cannot be deleted: 409 exchange_in_use naming the sources; once they go, it can', async () => {
    expect((await api('PUT', '/v1/exchanges/srcx', { type: 'fanout' })).status).toBe(201);
    expect((await api('PUT', '/v1/sources/srcs', { exchange: 'srcx', verify: none })).status).toBe(201);
    expect((await api('PUT', '/v1/sources/srct', { exchange: 'srcx', verify: none })).status).toBe(201);

    const refused = await api('DELETE', '/v1/exchanges/srcx');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'exchange_in_use',
      message: expect.stringContaining("'srcs', 'srct'"),
      details: { exchange: 'srcx', sources: ['srcs', 'srct'] },
    });
    // Still there, and the source still publishes.
    expect((await api('GET', '/v1/exchanges')).body.exchanges.map((e: { name: string }) => e.name)).toContain('srcx');
    expect((await call(s.url, 'POST', '/v1/hooks/srcs', '{}', { 'content-type': 'application/json' })).status).toBe(202);

    expect((await api('DELETE', '/v1/sources/srcs')).status).toBe(204);
    const one = await api('DELETE', '/v1/exchanges/srcx');
    expect(one.body.error).toMatchObject({ code: 'exchange_in_use', message: expect.stringContaining("webhook source 'srct' publishes"), details: { sources: ['srct'] } });
    expect((await api('PUT', '/v1/sources/srct', { exchange: 'srcy', verify: none })).status).toBe(404);
    expect((await api('PUT', '/v1/exchanges/srcy', { type: 'fanout' })).status).toBe(201);
    expect((await api('PUT', '/v1/sources/srct', { exchange: 'srcy', verify: none })).status).toBe(200);
    expect((await api('DELETE', '/v1/exchanges/srcx')).status).toBe(204);
  });

  it('a source on the default exchange is refused: 400 reserved_name saying why, and nothing is stored', async () => {
    expect((await api('GET', '/v1/exchanges')).body.exchanges.map((e: { name: string }) => e.name)).toContain('amq.default');
    const refused = await api('PUT', '/v1/sources/srcz', { exchange: 'amq.default', verify: none });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'reserved_name',
      message: expect.stringMatching(/amq\.default.*routes by queue name.*Declare an exchange, bind the queue to it/),
      details: { field: 'exchange', exchange: 'amq.default' },
    });
    expect((await api('PUT', '/v1/sources/srcz', { exchange: 'amq.other', verify: none })).body.error.code).toBe('reserved_name');
    expect((await api('GET', '/v1/sources')).body.sources.map((x: { name: string }) => x.name)).not.toContain('srcz');
  });

  it('a header name no request can carry is refused at declare: 400 validation_failed naming the field', async () => {
    await api('PUT', '/v1/exchanges/hdrx', { type: 'fanout' });
    const bad = await api('PUT', '/v1/sources/hdr', { exchange: 'hdrx', verify: { scheme: 'hmac-sha256', secret: 'k', header: 'bad header' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.issues).toEqual([{ path: 'verify.header', message: expect.stringContaining('HTTP header name') }]);
    const badKey = await api('PUT', '/v1/sources/hdr', { exchange: 'hdrx', verify: none, routingKey: { from: 'header', name: 'X Event:' } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['routingKey.name']);
    expect((await api('GET', '/v1/sources')).body.sources.map((x: { name: string }) => x.name)).not.toContain('hdr');
    // A real header name still works.
    const good = await api('PUT', '/v1/sources/hdr', { exchange: 'hdrx', verify: { scheme: 'hmac-sha256', secret: 'k', header: 'X-Signature_v2' } });
    expect(good.status).toBe(201);
    expect(good.body.verify.header).toBe('x-signature_v2');
  });
});

describe.each(drivers)("the broker refuses to delete a source's exchange, whoever asks, on %s", (driver) => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker(driver);
  });
  afterAll(async () => t.close());

  it('broker.deleteExchange (every transport) sees the sources table', async () => {
    await t.broker.declareExchange('core', 'direct');
    await sourceUpsert(t.db, { name: 'coresrc', exchange: 'core', verify: { scheme: 'none', secrets: [] }, routingKey: null });
    await expect(t.broker.deleteExchange('core')).rejects.toMatchObject({ code: 'exchange_in_use', details: { exchange: 'core', sources: ['coresrc'] } });
    expect(t.broker.exportDefinitions().exchanges.map((e) => e.name)).toContain('core');
  });

  it('sourceUpsert refuses an exchange that is not stored (404) and the reserved ones (400)', async () => {
    const src = (exchange: string) => ({ name: 'x', exchange, verify: { scheme: 'none' as const, secrets: [] }, routingKey: null });
    await expect(sourceUpsert(t.db, src('nowhere'))).rejects.toMatchObject({ code: 'exchange_not_found' });
    await expect(sourceUpsert(t.db, src('amq.default'))).rejects.toMatchObject({ code: 'reserved_name' });
  });

  it.runIf(driver === 'postgres')('a source declared while its exchange is being deleted: the delete waits for it and refuses', async () => {
    await t.broker.declareExchange('racex', 'fanout');
    let committing!: () => void;
    const held = new Promise<void>((r) => (committing = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The source's transaction has done its work and waits before committing.
    const slow: Db = { ...t.db, tx: (fn, o) => t.db.tx(async (q) => { const r = await fn(q); committing(); await gate; return r; }, o) };
    const declaring = sourceUpsert(slow, { name: 'racesrc', exchange: 'racex', verify: { scheme: 'none', secrets: [] }, routingKey: null });
    await held;
    const deleting = t.broker.deleteExchange('racex').then(
      () => 'deleted',
      (e: { code: string }) => e.code,
    );
    await sleep(200);
    release();
    await declaring;
    expect(await deleting).toBe('exchange_in_use');
  });
});
