import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { Db } from '../../db/driver';
import { NotifiedCache } from '../notified-cache';
import { hashKey } from './keys';

/**
 * Dashboard sessions: `POST /auth/login` with the operator password (HATOBA_ADMIN_PASSWORD) or
 * the admin token sets an httpOnly, SameSite=Strict cookie holding a random token; the table
 * keeps its SHA-256 and expiry, so any node can check it and logout ends it everywhere.
 */
export const SESSION_COOKIE = 'hatoba_session';

export interface Session {
  actor: string;
  expiresAt: Date;
}

/** True when a browser says this request comes from another site (Sec-Fetch-Site, else Origin). */
export function isCrossSite(req: Pick<IncomingMessage, 'headers'>): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * True when a Host header names this machine's loopback: `localhost`, `*.localhost`, an address
 * in 127.0.0.0/8 (dotted decimal, as browsers write it) or `[::1]`, with or without a port. No
 * header at all is not a browser (browsers always send one) and passes. Pure: never resolves.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  // Every request of a client repeats the same Host: its verdict is kept (parsing it was 3–5% of
  // a publish's server time). Bounded: a flood of made-up Hosts only empties the memo.
  const known = hostVerdicts.get(host);
  if (known !== undefined) return known;
  const verdict = loopbackHostName(host);
  if (hostVerdicts.size >= HOST_VERDICTS_MAX) hostVerdicts.clear();
  hostVerdicts.set(host, verdict);
  return verdict;
}

const HOST_VERDICTS_MAX = 256;
const hostVerdicts = new Map<string, boolean>();

function loopbackHostName(host: string): boolean {
  const text = host.trim().toLowerCase();
  let name: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0 || !/^(:\d{1,5})?$/.test(text.slice(end + 1))) return false;
    name = text.slice(1, end);
    if (!ipaddr.IPv6.isValid(name)) return false;
    const ip = ipaddr.process(name);
    return ip.range() === 'loopback';
  }
  const m = /^([^:]+)(:\d{1,5})?$/.exec(text);
  if (!m) return false;
  name = m[1]!;
  if (name === 'localhost' || /^([a-z0-9-]+\.)+localhost$/.test(name)) return true;
  return ipaddr.IPv4.isValidFourPartDecimal(name) && ipaddr.IPv4.parse(name).range() === 'loopback';
}

export function cookieValue(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function createSessions(db: Db, ttlMs: number) {
  const load = async (hash: string): Promise<Session | null> => {
    const [row] = await db.query<{ actor: string; expires_at: string }>('SELECT actor, expires_at FROM sessions WHERE hash = $1', [hash]);
    return row ? { actor: row.actor, expiresAt: new Date(row.expires_at) } : null;
  };
  const cache = new NotifiedCache<Session | null>({ db, channel: 'hatoba_sessions', ttlMs: 60_000, load });
  return {
    start: () => cache.start(),
    stop: () => cache.stop(),
    /** Starts a session; returns the cookie's token and when it ends. */
    async create(actor: string): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlMs);
      await db.query('DELETE FROM sessions WHERE expires_at < now()');
      await db.query('INSERT INTO sessions (hash, actor, expires_at) VALUES ($1, $2, $3)', [hashKey(token), actor, expiresAt.toISOString()]);
      return { token, expiresAt };
    },
    /** The live session the request's cookie names, or null. */
    async fromRequest(req: Pick<IncomingMessage, 'headers'>): Promise<Session | null> {
      const token = cookieValue(req, SESSION_COOKIE);
      if (!token) return null;
      const s = await cache.get(hashKey(token));
      return s && s.expiresAt.getTime() > Date.now() ? s : null;
    },
    async end(req: Pick<IncomingMessage, 'headers'>): Promise<boolean> {
      const token = cookieValue(req, SESSION_COOKIE);
      if (!token) return false;
      const hash = hashKey(token);
      const gone = await db.query('DELETE FROM sessions WHERE hash = $1 RETURNING hash', [hash]);
      await cache.invalidate(hash);
      return gone.length > 0;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
