import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestServer, type TestServer } from '../../test/server';
import { isLoopbackHost } from './sessions';

/**
 * Auth off (loopback, no admin credentials) must not let any web page the developer visits drive
 * the broker through their browser: no cross-site requests (CSRF), no DNS-rebound Host names.
 * Every request here goes to 127.0.0.1; the Host and Origin headers are set by hand, nothing is resolved.
 */

interface Answer {
  status: number;
  body: any;
}

/** A raw HTTP request to the test server, with exactly these headers (fetch would set Host itself). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: url.port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers }, setHost: !('host' in headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('isLoopbackHost', () => {
  it('accepts loopback names and addresses, with or without a port', () => {
    for (const host of [undefined, 'localhost', 'LOCALHOST:3873', 'app.localhost', 'a.b.localhost:80', '127.0.0.1', '127.0.0.1:3873', '127.255.0.9:1', '[::1]', '[::1]:3873', '[0:0:0:0:0:0:0:1]:80', '[::ffff:127.0.0.1]:3873']) {
      expect(isLoopbackHost(host), String(host)).toBe(true);
    }
  });
  it('refuses every other name or address', () => {
    for (const host of [
      '',
      'evil.example',
      'evil.example:3873',
      'localhost.evil.example',
      'evillocalhost',
      'localhost.',
      '127.0.0.1.nip.io',
      '127.1',
      '0x7f.0.0.1',
      '10.0.0.1:3873',
      '0.0.0.0:3873',
      '[::]:3873',
      '[2001:db8::1]:3873',
      '[::1',
      '[::1]x',
      'localhost:abc',
      'localhost:3873:1',
      '::1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
  it('gives the same verdict when asked again, also after more distinct Hosts than it remembers', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        expect(isLoopbackHost(`127.0.0.${i % 256}:${i}`)).toBe(true);
        expect(isLoopbackHost(`h${i}.example:${i}`)).toBe(false);
      }
      expect(isLoopbackHost('localhost:3873')).toBe(true);
      expect(isLoopbackHost('evil.example:3873')).toBe(false);
    }
  });
});

describe.each(drivers)('auth off (loopback): browsers on other sites are refused on %s', (driver) => {
  let s: TestServer;
  let port: string;
  const plain = (method: string, path: string, body?: unknown) =>
    send(s.url, method, path, body === undefined ? {} : { 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));
  const depth = async (q: string) => ((await plain('GET', '/v1/queues')).body.queues as { name: string; ready: number }[]).find((x) => x.name === q)!.ready;

  beforeAll(async () => {
    s = await startTestServer(driver);
    port = new URL(s.url).port;
    expect((await plain('PUT', '/v1/queues/dl', { maxDeliveries: 1, retry: { initialDelayMs: 0, jitter: 0 } })).status).toBe(201);
    expect((await plain('PUT', '/v1/queues/x', { maxDeliveries: 1, retry: { initialDelayMs: 0, jitter: 0 } })).status).toBe(201);
    expect((await plain('POST', '/v1/queues/dl/messages', { keep: 1 })).status).toBe(201);
  });
  afterAll(async () => s.close());

  it('refuses simple cross-site requests (no preflight) with 403 forbidden, saying why and what to do, and changes nothing', async () => {
    const evil = { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' };
    const probes: [string, string, string?][] = [
      ['POST', '/v1/queues/dl/purge'],
      ['POST', '/v1/queues/dl/messages', 'from evil'],
      ['POST', '/v1/queues/dl/receive', '{"max":10}'],
      ['POST', '/v1/queues/x.dlq/replay', '{"all":true}'],
      ['PUT', '/v1/queues/evil', '{}'],
      ['GET', '/v1/queues'],
    ];
    for (const [method, path, body] of probes) {
      const r = await send(s.url, method, path, evil, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
      expect(r.body.error.details).toMatchObject({ reason: 'cross_site' });
      expect(r.body.error.message).toMatch(/another site/);
      expect(r.body.error.message).toMatch(/HATOBA_ADMIN_TOKEN/);
    }
    // Either signal alone is enough: Sec-Fetch-Site (modern browsers), else an Origin other than the Host.
    expect((await send(s.url, 'POST', '/v1/queues/dl/purge', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await send(s.url, 'POST', '/v1/queues/dl/purge', { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await send(s.url, 'POST', '/v1/queues/dl/purge', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await send(s.url, 'POST', '/v1/queues/dl/purge', { origin: 'null' })).status).toBe(403);
    expect((await send(s.url, 'POST', '/v1/queues/dl/purge', { origin: 'http://localhost:1' })).status).toBe(403);
    // Nothing happened: the message is still there, unleased, and no queue was made.
    expect(await depth('dl')).toBe(1);
    expect((await plain('GET', '/v1/queues')).body.queues.map((q: { name: string }) => q.name)).not.toContain('evil');
  });

  it('refuses a Host that is not loopback (DNS rebinding), except on /healthz', async () => {
    for (const [method, path] of [
      ['GET', '/v1/queues'],
      ['GET', '/v1/messages?queue=dl'],
      ['POST', '/v1/queues/dl/purge'],
    ] as const) {
      // What a rebound page sends: its own origin, same-origin as far as the browser knows.
      const r = await send(s.url, method, path, { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'sec-fetch-site': 'same-origin' });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'forbidden', details: { reason: 'host_not_loopback', host: `evil.example:${port}` } });
      expect(r.body.error.message).toMatch(/DNS rebinding/);
      expect(r.body.error.message).toContain('127.0.0.1');
    }
    expect((await send(s.url, 'GET', '/v1/queues', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await send(s.url, 'GET', '/v1/queues', { host: `10.0.0.5:${port}` })).status).toBe(403);
    expect(await depth('dl')).toBe(1);
    expect((await send(s.url, 'GET', '/healthz', { host: 'evil.example' })).status).toBe(200);
    expect((await send(s.url, 'GET', '/healthz', { host: `evil.example:${port}`, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('still serves scripts and services (neither header) and the dashboard on its own origin', async () => {
    // curl, SDKs, services: no Origin, no Sec-Fetch-Site.
    expect((await plain('GET', '/v1/queues')).status).toBe(200);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect((await send(s.url, 'GET', '/v1/queues', { host })).status, host).toBe(200);
    }
    // The dashboard (same origin): fetch sends Origin on POST and Sec-Fetch-Site: same-origin.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const same = { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
      expect((await send(s.url, 'POST', '/v1/queues/x/messages', same, '{"n":1}')).status, host).toBe(201);
      expect((await send(s.url, 'GET', '/v1/queues', { host, 'sec-fetch-site': 'same-origin' })).status, host).toBe(200);
    }
    // A URL typed into the address bar.
    expect((await send(s.url, 'GET', '/v1/queues', { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'none' })).status).toBe(200);
    expect(await depth('x')).toBe(2);
  });

  it('the console API (/trpc) still refuses cross-site requests', async () => {
    expect((await send(s.url, 'GET', '/trpc/system.info', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await send(s.url, 'GET', '/trpc/system.info', {})).status).toBe(200);
  });
});

describe.each(drivers)('auth on: bearer keys are not affected by the browser guards on %s', (driver) => {
  const ADMIN = 'test-admin-token-0123456789';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
  });
  afterAll(async () => s.close());

  it('a bearer key works with any Origin or Host (browsers never send it on their own)', async () => {
    const bearer = { authorization: `Bearer ${ADMIN}` };
    expect((await send(s.url, 'GET', '/v1/queues', { ...bearer, host: 'hatoba.example.com', origin: 'https://console.example.com', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    expect((await send(s.url, 'PUT', '/v1/queues/q', { ...bearer, host: 'hatoba.example.com', 'content-type': 'application/json' }, '{}')).status).toBe(201);
    expect((await send(s.url, 'GET', '/v1/queues', { host: 'hatoba.example.com' })).status).toBe(401);
  });
});
