import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import type { Logger } from '../broker';
import { BrokerError } from '../errors';
import { TOPOLOGY_CHANNEL } from '../topology';
import { lowercaseBindingHeaders } from '../topology-checks';
import type { Binding, HeaderMatch } from '../types';
import { bindingSignature } from './topology-write';

/**
 * Header bindings that may hold a name that is not lowercase: any name that lower() changes, and
 * any with a non-ASCII character (lower() follows the database's locale, which may leave those
 * alone; toLowerCase() below decides). One read of the small bindings table, nothing else when
 * there is nothing to fix.
 */
const CANDIDATES = `SELECT id, exchange, queue, key, headers_match, headers, signature FROM bindings
  WHERE headers_match IS NOT NULL AND jsonb_typeof(headers) = 'object'
    AND EXISTS (SELECT 1 FROM jsonb_object_keys(headers) AS n WHERE n <> lower(n) OR octet_length(n) <> char_length(n))
  ORDER BY id`;

/** Deletes the legacy row (as it was read) when the lowercased binding is stored already. */
const MERGE = `DELETE FROM bindings WHERE id = $1 AND signature = $2
  AND EXISTS (SELECT 1 FROM bindings WHERE exchange = $3 AND queue = $4 AND signature = $5) RETURNING id`;

/** Rewrites the legacy row (as it was read) to the lowercased binding. */
const REWRITE = `UPDATE bindings SET headers = $3::text::jsonb, signature = $4 WHERE id = $1 AND signature = $2 RETURNING id`;

const UNIQUE_VIOLATION = '23505';

/**
 * The one-off fix-up of headers bindings stored before header-match names were lowercased
 * (lowercaseBindingHeaders): each such row keeps its names as given and a signature of those, so
 * a re-declare or an unbind, which match on the lowercased binding's signature, would not find it.
 * Run at startup, before the topology is first loaded. For each such row:
 * - `left`: lowercasing would make two of its names one (`A` and `a`), a binding that can no
 *   longer be expressed: it stays as it is (it still loads and routes as it did);
 * - `merged`: the lowercased binding is stored already (for the same exchange and queue): the
 *   legacy row is deleted;
 * - `rewritten`: otherwise its names and signature become the lowercased ones (its id stays).
 *
 * Idempotent, and safe on several nodes at once: each row is changed by statements that commit on
 * their own and act only on the row as it was read (id and signature), so a row another node fixed
 * meanwhile is left to it (and counted by it, not here); a rewrite that meets the lowercased
 * binding made meanwhile (the unique signature) merges instead. So give it the database, not a
 * transaction, which such a unique violation would abort. When it changed anything, the running
 * nodes are told to reload their topology.
 */
export async function lowercaseStoredHeaderBindings(q: Sql): Promise<{ rewritten: number; merged: number; left: number }> {
  const counts = { rewritten: 0, merged: 0, left: 0 };
  const rows = await q.query<{ id: string | number; exchange: string; queue: string; key: string; headers_match: string; headers: unknown; signature: string }>(CANDIDATES);
  for (const r of rows) {
    const values = jsonValue<Record<string, string>>(r.headers);
    if (Object.keys(values).every((n) => n === n.toLowerCase())) continue;
    const legacy: Binding = { exchange: r.exchange, queue: r.queue, key: r.key, headers: { match: r.headers_match as HeaderMatch['match'], values } };
    let lowered: Binding;
    try {
      lowered = lowercaseBindingHeaders(legacy);
    } catch (e) {
      if (e instanceof BrokerError && e.code === 'validation_failed') {
        counts.left++;
        continue;
      }
      throw e;
    }
    const outcome = await fixRow(q, r.id, r.signature, lowered);
    if (outcome) counts[outcome]++;
  }
  if (counts.rewritten + counts.merged > 0) await q.query('SELECT pg_notify($1, $2)', [TOPOLOGY_CHANNEL, 'changed']);
  return counts;
}

/** Merges or rewrites one legacy row; undefined when another node got to it first. */
async function fixRow(q: Sql, id: string | number, signature: string, lowered: Binding): Promise<'merged' | 'rewritten' | undefined> {
  const lowerSignature = bindingSignature(lowered);
  // Twice at most: a unique violation means the lowercased binding was stored meanwhile, which
  // the second merge finds.
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((await q.query(MERGE, [id, signature, lowered.exchange, lowered.queue, lowerSignature])).length > 0) return 'merged';
    try {
      return (await q.query(REWRITE, [id, signature, JSON.stringify(lowered.headers!.values), lowerSignature])).length > 0 ? 'rewritten' : undefined;
    } catch (e) {
      if ((e as { code?: unknown }).code !== UNIQUE_VIOLATION || attempt > 0) throw e;
    }
  }
  return undefined;
}

/** The fix-up as a node runs it at startup, before its first topology load: what it did is logged. */
export async function fixUpStoredHeaderBindings(q: Sql, log: Pick<Logger, 'info' | 'warn'>): Promise<void> {
  const fixed = await lowercaseStoredHeaderBindings(q);
  if (fixed.rewritten + fixed.merged > 0) log.info(fixed, 'headers bindings stored before their names were lowercased: fixed up');
  if (fixed.left > 0) log.warn(fixed, 'headers bindings naming one header twice in two cases are left as they are (delete their queue or exchange to remove them)');
}
