import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { drivers, openTestDb } from '../../test/databases';
import { toErrorEnvelope } from '../gateway/errors';
import { sendJson } from '../gateway/http';
import { parseRequestUrl } from '../request-url';
import { clientIp, createSecurity, parseTrustProxy, TrustProxyError, type Security } from '.';
import { createAuthHttp } from './http';

/** A request as clientIp sees it: the socket's peer and the headers. */
const req = (remoteAddress: string | undefined, xff?: string | string[]) => ({
  socket: { remoteAddress },
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff as string },
});

describe('clientIp', () => {
  const nginx = ['127.0.0.1/32'];

  it('without trusted proxies is the socket peer, whatever X-Forwarded-For says', () => {
    expect(clientIp(req('203.0.113.7'))).toBe('203.0.113.7');
    expect(clientIp(req('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '198.51.100.1'), [])).toBe('127.0.0.1');
    expect(clientIp(req(undefined, '198.51.100.1'), nginx)).toBeNull();
  });

  it('ignores a spoofed header from a peer that is not a trusted proxy', () => {
    expect(clientIp(req('203.0.113.7', '127.0.0.1'), nginx)).toBe('203.0.113.7');
    expect(clientIp(req('203.0.113.7', '198.51.100.1, 127.0.0.1'), nginx)).toBe('203.0.113.7');
    expect(clientIp(req('10.0.1.9', '198.51.100.1'), ['10.0.0.0/24'])).toBe('10.0.1.9');
    expect(clientIp(req('10.0.0.9', '198.51.100.1'), ['10.0.0.0/24'])).toBe('198.51.100.1');
  });

  it('from a trusted proxy is the rightmost address it does not trust; what the client wrote to its left is never read', () => {
    expect(clientIp(req('127.0.0.1', '203.0.113.7'), nginx)).toBe('203.0.113.7');
    // nginx's $proxy_add_x_forwarded_for appends to what the client sent: the client's own claim is left of the real address.
    expect(clientIp(req('127.0.0.1', '198.51.100.1, 203.0.113.7'), nginx)).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', '127.0.0.1, 203.0.113.7'), nginx)).toBe('203.0.113.7');
    // No header: the proxy itself (a health check, a local request).
    expect(clientIp(req('127.0.0.1'), nginx)).toBe('127.0.0.1');
    // Node's IPv4-mapped form of a socket on a dual-stack listener.
    expect(clientIp(req('::ffff:127.0.0.1', '203.0.113.7'), nginx)).toBe('203.0.113.7');
    // A repeated header reads as one list.
    expect(clientIp(req('127.0.0.1', ['198.51.100.1', '203.0.113.7']), nginx)).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', '203.0.113.7'), parseTrustProxy(nginx))).toBe('203.0.113.7');
  });

  it('walks a chain of two trusted proxies (load balancer → nginx → node)', () => {
    const trust = ['127.0.0.1/32', '10.0.0.0/8'];
    expect(clientIp(req('127.0.0.1', '203.0.113.7, 10.1.2.3'), trust)).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', '198.51.100.1, 203.0.113.7, 10.1.2.3'), trust)).toBe('203.0.113.7');
    // Every hop trusted: the farthest one.
    expect(clientIp(req('127.0.0.1', '10.9.9.9, 10.1.2.3'), trust)).toBe('10.9.9.9');
    // The load balancer alone is trusted for what it says, not the client's claim before it.
    expect(clientIp(req('10.1.2.3', '198.51.100.1, 203.0.113.7'), ['10.0.0.0/8'])).toBe('203.0.113.7');
  });

  it('reads IPv6 hops and ranges, with or without brackets and ports, in canonical form', () => {
    const trust = ['::1/128', 'fd00::/8'];
    expect(clientIp(req('::1', '2001:db8::1, fd00::5'), trust)).toBe('2001:db8::1');
    expect(clientIp(req('::1', '2001:DB8:0:0:0:0:0:2'), trust)).toBe('2001:db8::2');
    expect(clientIp(req('::1', '[2001:db8::3]:443'), trust)).toBe('2001:db8::3');
    expect(clientIp(req('::1', '::ffff:203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientIp(req('2001:db8::9', '203.0.113.7'), trust)).toBe('2001:db8::9'); // not trusted
    expect(clientIp(req('fd00::1', '203.0.113.7:5555'), trust)).toBe('203.0.113.7');
    // An IPv4 range trusts IPv4 peers only, an IPv6 range IPv6 peers only.
    expect(clientIp(req('::1', '203.0.113.7'), nginx)).toBe('::1');
  });

  it('stops at an entry that is not an address, answering the proxy that reported it', () => {
    expect(clientIp(req('127.0.0.1', 'garbage'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', ''), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '203.0.113.7, unknown'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '203.0.113.7,,'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '127.1'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '0x7f.0.0.1'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '999.1.1.1'), nginx)).toBe('127.0.0.1');
    expect(clientIp(req('127.0.0.1', '[::1'), nginx)).toBe('127.0.0.1');
    // A malformed claim left of the real address is never reached.
    expect(clientIp(req('127.0.0.1', 'unknown, <script>, 203.0.113.7'), nginx)).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', 'garbage, 203.0.113.7, 10.1.2.3'), ['127.0.0.1/32', '10.0.0.0/8'])).toBe('203.0.113.7');
    expect(clientIp(req('127.0.0.1', 'garbage, 10.1.2.3'), ['127.0.0.1/32', '10.0.0.0/8'])).toBe('10.1.2.3');
  });
});

describe('parseTrustProxy', () => {
  it('takes CIDRs and single addresses, as a list or comma-separated', () => {
    expect(parseTrustProxy('127.0.0.1/32, 10.0.0.0/8 ,::1,fd00::/8,127.0.0.2').map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual([
      '127.0.0.1/32',
      '10.0.0.0/8',
      '::1/128',
      'fd00::/8',
      '127.0.0.2/32',
    ]);
    expect(parseTrustProxy(['::ffff:10.0.0.0/104']).map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['10.0.0.0/8']);
    expect(parseTrustProxy('')).toEqual([]);
    expect(parseTrustProxy([])).toEqual([]);
  });
  it('names an entry that is not an address or CIDR', () => {
    for (const bad of ['nope', '10.0.0.0/99', '127.1/32', '127.0.0.1/', 'localhost', '::1/200', '10.0.0.0/8/8']) {
      expect(() => parseTrustProxy(['127.0.0.1/32', bad]), bad).toThrow(TrustProxyError);
      expect(() => parseTrustProxy([bad]), bad).toThrow(`'${bad}'`);
    }
  });
});

describe.each(drivers)('logins and their audit entries behind a trusted proxy on %s', (driver) => {
  const PASSWORD = 'operator-password';
  let db: Db;
  const servers: { server: Server; security: Security }[] = [];

  /** /auth/* as server/http-server.ts serves it, with this Security. */
  async function serve(trustProxy?: string[]): Promise<string> {
    const security = createSecurity({
      db,
      enabled: true,
      adminPassword: PASSWORD,
      keyRateLimit: { perSecond: 0, burst: 0 },
      sessionTtlMs: 60_000,
      logger: { info() {}, warn() {}, error() {} },
      ...(trustProxy ? { trustProxy } : {}),
    });
    await security.start();
    const auth = createAuthHttp(security);
    const server = createServer((req, res) => {
      auth(req, res, parseRequestUrl(req.url ?? '/')).catch((err) => {
        const { status, body } = toErrorEnvelope(err);
        sendJson(res, status, body, status === 429 ? { 'retry-after': String(body.error.details?.retryAfterS ?? 1) } : {});
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ server, security });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const login = (base: string, password: string, xff?: string) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ password });
      const url = new URL(base);
      const r = request(
        {
          host: '127.0.0.1',
          port: url.port,
          method: 'POST',
          path: '/auth/login',
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(xff ? { 'x-forwarded-for': xff } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      r.on('error', reject);
      r.end(body);
    });

  beforeAll(async () => {
    db = await openTestDb(driver);
  });
  afterAll(async () => {
    for (const { server, security } of servers) {
      await new Promise((r) => server.close(r));
      await security.stop();
    }
    await db.close();
  });

  it("one client's wrong passwords lock out that client only, and the audit log records each client's address", async () => {
    const base = await serve(['127.0.0.1/32']);
    const tries: number[] = [];
    for (let i = 0; i < 6; i++) tries.push(await login(base, 'wrong-password', '203.0.113.66'));
    expect(tries).toEqual([401, 401, 401, 401, 401, 429]);
    // Another operator, behind the same nginx, is not locked out.
    expect(await login(base, PASSWORD, '198.51.100.20')).toBe(204);
    // The attacker cannot get around its limit by claiming another address: nginx appends the real one.
    expect(await login(base, 'wrong-password', '198.51.100.21, 203.0.113.66')).toBe(429);

    const { entries } = await servers[0]!.security.audit.read({ limit: 20 });
    expect(entries.filter((e) => e.action === 'session.login_failed').map((e) => e.ip)).toEqual(Array(5).fill('203.0.113.66'));
    expect(entries.find((e) => e.action === 'session.login')).toMatchObject({ actor: 'session:operator', ip: '198.51.100.20' });
  });

  it('with no trusted proxy (the default), X-Forwarded-For is ignored: a client cannot pick its address', async () => {
    const base = await serve();
    const tries: number[] = [];
    for (let i = 0; i < 6; i++) tries.push(await login(base, 'wrong-password', `203.0.113.${i}`));
    expect(tries).toEqual([401, 401, 401, 401, 401, 429]);
    const { entries } = await servers[1]!.security.audit.read({ limit: 1 });
    expect(entries[0]).toMatchObject({ action: 'session.login_failed', ip: '127.0.0.1' });
  });
});
