import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Db } from '../../db/driver';
import type { Logger } from '../broker/broker';
import { GatewayError } from '../gateway/errors';
import { createAudit, type AuditInput } from './audit';
import { createKeys, hashKey } from './keys';
import { createRateLimiter, type RateLimit } from './rate-limit';
import { covers, describeNeed, type Need } from './scopes';
import { getSecurityRuntime } from './runtime';
import { clientIp, parseTrustProxy } from './client-address';
import { refuseForeignBrowserRequest } from './local-guard';
import { createSessions, isCrossSite } from './sessions';

export { clientIp, parseTrustProxy, TrustProxyError, type TrustedProxies } from './client-address';
export { refuseForeignBrowserRequest, refuseRebindingHost } from './local-guard';

/** Who is asking: an API key, the admin token, a dashboard session, or anyone (auth off). */
export interface Principal {
  actor: string;
  /** The bucket its rate limit is counted in; null: not limited. */
  limitKey: string | null;
  scopes: string[];
}

export interface SecurityOptions {
  db: Db;
  /** Off only when the server listens on loopback and no admin token is set (config.ts decides). */
  enabled: boolean;
  adminToken?: string;
  adminPassword?: string;
  keyRateLimit: RateLimit;
  sessionTtlMs: number;
  logger: Logger;
  /**
   * CIDR ranges (or single addresses) of the proxies in front of this server, e.g.
   * `['127.0.0.1/32']` for the nginx of deploy/nginx.conf: only from them is X-Forwarded-For
   * believed (HATOBA_TRUST_PROXY). Default: none, the socket's peer is the client.
   */
  trustProxy?: string[];
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. RFC 7235: the scheme is
 * case-insensitive and one or more spaces separate it from the credentials; a header with
 * anything after the token (a second word) names no token.
 */
export function bearerToken(header: string): string | null {
  const m = /^([^ \t]+) +([^ \t]+) *$/.exec(header.trim());
  return m && m[1]!.toLowerCase() === 'bearer' ? m[2]! : null;
}

const LOCAL: Principal = { actor: 'local', limitKey: null, scopes: ['admin'] };

const sameSecret = (given: string, expected: string | undefined) =>
  expected !== undefined && timingSafeEqual(Buffer.from(hashKey(given), 'hex'), Buffer.from(hashKey(expected), 'hex'));

/** Authentication, authorization, per-key rate limits, sessions and the audit log, for every transport. */
export function createSecurity(o: SecurityOptions) {
  const keys = createKeys(o.db, (err) => o.logger.warn({ err }, 'key use not recorded'));
  const sessions = createSessions(o.db, o.sessionTtlMs);
  const audit = createAudit(o.db, (err) => o.logger.error({ err }, 'audit entry not recorded'));
  const take = createRateLimiter(o.keyRateLimit);
  const trustProxy = parseTrustProxy(o.trustProxy ?? []);

  /** The principal a request's bearer token or session cookie names, or null. */
  async function authenticate(req: Pick<IncomingMessage, 'headers' | 'method'>): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header) {
      const token = bearerToken(header);
      if (!token) return null;
      if (sameSecret(token, o.adminToken)) return { actor: 'admin-token', limitKey: null, scopes: ['admin'] };
      const key = await keys.find(token);
      if (!key) return null;
      await keys.touch(key.id);
      return { actor: `key:${key.name}`, limitKey: key.id, scopes: key.scopes };
    }
    // A session cookie rides along with any request the browser makes: one that changes state must come from our own pages.
    if (req.method !== 'GET' && req.method !== 'HEAD' && isCrossSite(req)) return null;
    const session = await sessions.fromRequest(req);
    return session ? { actor: `session:${session.actor}`, limitKey: null, scopes: ['admin'] } : null;
  }

  /** The principal allowed to do what `need` says; throws 401 unauthenticated, 403 forbidden or 429 rate_limited. */
  async function authorize(req: Pick<IncomingMessage, 'headers' | 'method'>, need: Need): Promise<Principal> {
    if (!o.enabled) {
      refuseForeignBrowserRequest(req);
      return LOCAL;
    }
    if (need.kind === 'public') return (await authenticate(req)) ?? { actor: 'anonymous', limitKey: null, scopes: [] };
    const principal = await authenticate(req);
    if (!principal) throw new GatewayError('unauthenticated', 'A valid API key is required: Authorization: Bearer <key>');
    if (!covers(principal.scopes, need)) {
      throw new GatewayError('forbidden', `This key's scopes do not cover ${describeNeed(need)}`, { needs: describeNeed(need) });
    }
    if (principal.limitKey) {
      const t = take(principal.limitKey);
      if (!t.ok) throw rateLimited(t.retryAfterS, 'this API key');
    }
    return principal;
  }

  return {
    enabled: o.enabled,
    keys,
    sessions,
    audit,
    authenticate,
    authorize,
    /** The client's address, through the trusted proxies (HATOBA_TRUST_PROXY): for login limits and the audit log. */
    clientIp: (req: Pick<IncomingMessage, 'socket' | 'headers'>) => clientIp(req, trustProxy),
    /** Does this secret open a dashboard session? The admin password or the admin token. */
    loginActor(secret: string): string | null {
      if (sameSecret(secret, o.adminPassword)) return 'operator';
      if (sameSecret(secret, o.adminToken)) return 'admin-token';
      return null;
    },
    async start() {
      await keys.start();
      await sessions.start();
    },
    async stop() {
      await keys.stop();
      await sessions.stop();
    },
  };
}

export type Security = ReturnType<typeof createSecurity>;

export { getSecurityRuntime, sessionFromRequest, setSecurityRuntime } from './runtime';

/** For the dashboard (tRPC): records an operator action it performed, e.g. a discard. No-op when nothing is registered. */
export async function recordAudit(entry: AuditInput): Promise<void> {
  await getSecurityRuntime()?.audit.record(entry);
}

export const rateLimited = (retryAfterS: number, what: string) =>
  new GatewayError('rate_limited', `Too many requests for ${what}; retry after ${retryAfterS} s`, { retryAfterS });
