import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../../db/driver';
import { jsonValue } from '../../db/driver';
import { NotifiedCache } from '../notified-cache';
import { scopeProblem } from './scopes';

/**
 * API keys. A key is `hk_` and 32 random bytes (base64url), shown once; the table keeps its
 * SHA-256 (a key is random enough that a plain hash is as good as a slow one). Lookups are
 * cached per node; a revocation drops the cached entry on every node through NOTIFY.
 */
export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  /** When a request last used it (written at most once a minute per node); null: never. */
  lastUsedAt: string | null;
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

const rowKey = (r: Record<string, unknown>): ApiKey => ({
  id: String(r.id),
  name: String(r.name),
  scopes: jsonValue<string[]>(r.scopes),
  prefix: String(r.prefix),
  createdBy: String(r.created_by),
  createdAt: new Date(r.created_at as string).toISOString(),
  revokedAt: r.revoked_at == null ? null : new Date(r.revoked_at as string).toISOString(),
  lastUsedAt: r.last_used_at == null ? null : new Date(r.last_used_at as string).toISOString(),
});

/** What `POST /v1/keys` and the console's key form accept: a name and valid, distinct scopes. */
export const keyCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'a key needs a name').max(200),
    scopes: z
      .array(z.string())
      .min(1, 'a key needs at least one scope')
      .max(50)
      .superRefine((scopes, ctx) => {
        scopes.forEach((s, i) => {
          const problem = scopeProblem(s);
          if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [i] }); // named: scopes.1
        });
      }),
  })
  .strict();

const TOUCH_EVERY_MS = 60_000;

export async function apiKeyInsert(q: Sql, p: { id: string; name: string; scopes: string[]; hash: string; prefix: string; createdBy: string }): Promise<ApiKey> {
  const [row] = await q.query(
    `INSERT INTO api_keys (id, name, scopes, hash, prefix, created_by) VALUES ($1, $2, $3::text::jsonb, $4, $5, $6) RETURNING *`,
    [p.id, p.name, JSON.stringify(p.scopes), p.hash, p.prefix, p.createdBy],
  );
  return rowKey(row!);
}

/**
 * A name an active key already has. Audit entries name a key's actor by its name (`key:<name>`),
 * so two active keys of one name could not be told apart there; a revoked key's name is free.
 */
/** Held while a key is created: see `create`. */
const KEY_NAME_LOCK: [number, number] = [0x4861746b, 0];

export class KeyNameTaken extends Error {
  constructor(readonly keyName: string) {
    super(`An active API key is already named '${keyName}': audit entries name keys by name, so choose another, or revoke that key first`);
    this.name = 'KeyNameTaken';
  }
}

export async function apiKeyList(q: Sql): Promise<ApiKey[]> {
  return (await q.query('SELECT * FROM api_keys ORDER BY created_at, id')).map(rowKey);
}

/** The key with this id, revoked or not. */
export async function apiKeyById(q: Sql, p: { id: string }): Promise<ApiKey | null> {
  const [row] = await q.query('SELECT * FROM api_keys WHERE id = $1', [p.id]);
  return row ? rowKey(row) : null;
}

/** The key with this hash, unless revoked. */
export async function apiKeyByHash(q: Sql, p: { hash: string }): Promise<ApiKey | null> {
  const [row] = await q.query('SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL', [p.hash]);
  return row ? rowKey(row) : null;
}

/** Revokes a key; returns its hash, or null when no such unrevoked key exists. */
export async function apiKeyRevoke(q: Sql, p: { id: string }): Promise<string | null> {
  const [row] = await q.query<{ hash: string }>('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING hash', [p.id]);
  return row?.hash ?? null;
}

export function createKeys(db: Db, onError: (err: unknown) => void = () => {}) {
  const touchedAt = new Map<string, number>();
  const cache = new NotifiedCache<ApiKey | null>({ db, channel: 'hatoba_api_keys', ttlMs: 60_000, load: (hash) => apiKeyByHash(db, { hash }) });
  return {
    start: () => cache.start(),
    stop: () => cache.stop(),
    /** Throws KeyNameTaken when an active key has that name. */
    async create(p: { name: string; scopes: string[]; createdBy: string }): Promise<ApiKey & { key: string }> {
      const key = `hk_${randomBytes(32).toString('base64url')}`;
      const hash = hashKey(key);
      // The check and the insert under one lock, so two creations of one name at once (two
      // nodes, or two requests) cannot both pass the check. A unique index would need every
      // database to hold no duplicate active names first, and older versions allowed them.
      const created = await db.tx(async (q) => {
        await q.query('SELECT pg_advisory_xact_lock($1, $2)', KEY_NAME_LOCK);
        if ((await q.query('SELECT 1 FROM api_keys WHERE name = $1 AND revoked_at IS NULL', [p.name])).length > 0) throw new KeyNameTaken(p.name);
        return apiKeyInsert(q, { ...p, id: randomUUID(), hash, prefix: key.slice(0, 10) });
      });
      await cache.invalidate(hash); // an earlier miss for this key may be cached
      return { ...created, key };
    },
    list: () => apiKeyList(db),
    /** The key with this id, revoked or not; null when there is none. */
    byId: (id: string) => apiKeyById(db, { id }),
    async revoke(id: string): Promise<boolean> {
      const hash = await apiKeyRevoke(db, { id });
      if (hash) await cache.invalidate(hash);
      return hash !== null;
    },
    /** The unrevoked key a bearer token names, or null. */
    find: (key: string) => cache.get(hashKey(key)),
    /**
     * Notes that a key was used, for "last used" in lists: at most once a minute per key on
     * this node, so a busy key costs one small write a minute, not one per request. A failure
     * to write is logged and never fails the request.
     */
    async touch(id: string): Promise<void> {
      const now = Date.now();
      if (now - (touchedAt.get(id) ?? 0) < TOUCH_EVERY_MS) return;
      if (touchedAt.size > 10_000) touchedAt.clear();
      touchedAt.set(id, now);
      try {
        await db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
      } catch (err) {
        onError(err);
      }
    },
  };
}

export type Keys = ReturnType<typeof createKeys>;
