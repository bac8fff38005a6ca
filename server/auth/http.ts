import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError } from '../gateway/errors';
import { parseJson, readBody, sendJson } from '../gateway/http';
import { rateLimited, type Security } from '.';
import { createRateLimiter } from './rate-limit';
import type { RequestUrl } from '../request-url';
import { isCrossSite, SESSION_COOKIE } from './sessions';

/**
 * The dashboard's login, outside /v1 (served by server/http-server.ts):
 * - `POST /auth/login` `{password}` (HATOBA_ADMIN_PASSWORD, or the admin token) → 204 and an
 *   httpOnly, SameSite=Strict session cookie; 401 `unauthenticated` otherwise.
 * - `POST /auth/logout` → 204; the session ends on every node.
 * - `GET /auth/session` → `{authRequired, authenticated, actor}` for the dashboard to decide
 *   whether to show its login page.
 * State-changing requests that a browser marks as cross-site are refused (403 `forbidden`).
 */
const loginSchema = z.object({ password: z.string().min(1).max(1000) }).strict();

const secureRequest = (req: IncomingMessage) =>
  (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';

function cookie(req: IncomingMessage, value: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secureRequest(req) ? '; Secure' : ''}`;
}

export function createAuthHttp(security: Security) {
  // Password guessing: 5 tries, then one every 10 s, per client address (through trusted proxies).
  const takeLogin = createRateLimiter({ perSecond: 0.1, burst: 5 });

  return async function handle(req: IncomingMessage, res: ServerResponse, url: RequestUrl): Promise<void> {
    const path = url.pathname;
    if (path === '/auth/session' && req.method === 'GET') {
      const principal = await security.authenticate(req);
      sendJson(res, 200, { authRequired: security.enabled, authenticated: principal !== null, actor: principal?.actor ?? null });
      return;
    }
    if (req.method !== 'POST' || (path !== '/auth/login' && path !== '/auth/logout')) {
      throw new GatewayError('route_not_found', `No route ${req.method} ${path}`);
    }
    if (isCrossSite(req)) throw new GatewayError('forbidden', 'Cross-site requests to /auth are refused');
    // Behind a proxy, the client it forwards for (HATOBA_TRUST_PROXY): one address's guesses must not lock out everyone's.
    const ip = security.clientIp(req);
    if (path === '/auth/logout') {
      const session = await security.sessions.fromRequest(req);
      await security.sessions.end(req);
      if (session) await security.audit.record({ actor: `session:${session.actor}`, action: 'session.logout', target: session.actor, ip });
      res.writeHead(204, { 'set-cookie': cookie(req, '', 0) }).end();
      return;
    }
    const allowed = takeLogin(ip ?? 'unknown');
    if (!allowed.ok) throw rateLimited(allowed.retryAfterS, 'logins from this address');
    const { password } = parseJson(await readBody(req, 16 * 1024), loginSchema);
    const actor = security.loginActor(password);
    if (!actor) {
      await security.audit.record({ actor: 'anonymous', action: 'session.login_failed', target: '', ip });
      throw new GatewayError('unauthenticated', 'Wrong password');
    }
    const { token, expiresAt } = await security.sessions.create(actor);
    await security.audit.record({ actor: `session:${actor}`, action: 'session.login', target: actor, ip });
    res.writeHead(204, { 'set-cookie': cookie(req, token, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) }).end();
  };
}
