import type { Db, Sql } from '../../db/driver';
import { jsonValue } from '../../db/driver';

/**
 * The audit log of operator actions: declare, delete, purge, replay, discard, keys, login.
 * Actions are named `<thing>.<verb>` (`queue.purge`, `key.create`, `session.login`).
 */
export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  detail?: Record<string, unknown> | null;
  ip?: string | null;
}

export interface AuditEntry extends Required<AuditInput> {
  id: number;
  at: string;
}

/**
 * A binding's entry, the same from either transport: target `exchange → queue`, the detail led by
 * its outcome (`created`, or `deleted`). A binding sent without a key has the key `''`.
 */
export function bindingEntry(
  b: { exchange: string; queue: string; key?: string; headers?: unknown },
  outcome: Record<string, unknown>,
): { target: string; detail: Record<string, unknown> } {
  return { target: `${b.exchange} → ${b.queue}`, detail: { ...outcome, key: b.key ?? '', ...(b.headers ? { headers: b.headers } : {}) } };
}

export async function auditInsert(q: Sql, e: AuditInput): Promise<void> {
  await q.query('INSERT INTO audit_log (actor, action, target, detail, ip) VALUES ($1, $2, $3, $4::text::jsonb, $5)', [
    e.actor,
    e.action,
    e.target,
    e.detail ? JSON.stringify(e.detail) : null,
    e.ip ?? null,
  ]);
}

/** Newest first; `cursor` is the id of the last entry of the previous page. */
export async function auditRead(
  q: Sql,
  p: { from?: Date; to?: Date; actor?: string; action?: string; cursor?: number; limit: number },
): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (p.from) add('at >= ?', p.from.toISOString());
  if (p.to) add('at < ?', p.to.toISOString());
  if (p.actor) add('actor = ?', p.actor);
  if (p.action) add('action = ?', p.action);
  if (p.cursor !== undefined) add('id < ?', p.cursor);
  params.push(p.limit + 1);
  const rows = await q.query(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const entries = rows.slice(0, p.limit).map((r) => ({
    id: Number(r.id),
    at: new Date(r.at as string).toISOString(),
    actor: String(r.actor),
    action: String(r.action),
    target: String(r.target),
    detail: r.detail == null ? null : jsonValue<Record<string, unknown>>(r.detail),
    ip: r.ip == null ? null : String(r.ip),
  }));
  return { entries, nextCursor: rows.length > p.limit ? String(entries[entries.length - 1]!.id) : null };
}

export function createAudit(db: Db, onError: (err: unknown) => void) {
  return {
    /** Records an action that already happened; a failure to record is logged, never undoes it. */
    async record(e: AuditInput): Promise<void> {
      try {
        await auditInsert(db, e);
      } catch (err) {
        onError(err);
      }
    },
    read: (p: Parameters<typeof auditRead>[1]) => auditRead(db, p),
  };
}

export type Audit = ReturnType<typeof createAudit>;
