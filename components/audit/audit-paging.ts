/** Actions the audit log records (server/auth/audit.ts callers), offered as suggestions in the filter. */
export const KNOWN_ACTIONS = [
  'session.login',
  'session.login_failed',
  'session.logout',
  'key.create',
  'key.revoke',
  'exchange.declare',
  'exchange.delete',
  'exchange.replay',
  'exchange.publish',
  'queue.declare',
  'queue.delete',
  'queue.purge',
  'queue.replay',
  'queue.discard',
  'queue.publish',
  'binding.declare',
  'binding.delete',
  'definitions.import',
  'source.declare',
  'source.delete',
  'push.declare',
  'push.delete',
] as const;

/**
 * The known actions a filter text may have meant: the server matches the action exactly, so "queue"
 * finds nothing; offer queue.declare, queue.delete… instead. Empty when the text is a known action.
 */
export function actionsLike(text: string): string[] {
  const t = text.trim().toLowerCase();
  if (!t || (KNOWN_ACTIONS as readonly string[]).includes(t)) return [];
  const starting = KNOWN_ACTIONS.filter((a) => a.startsWith(t));
  return starting.length > 0 ? starting : KNOWN_ACTIONS.filter((a) => a.includes(t));
}

/** The filter as the URL keeps it (`?actor=&action=`), trimmed; absent or blank is no filter. */
export function parseAuditFilter(params: { get(name: string): string | null }): { actor: string; action: string } {
  return { actor: (params.get('actor') ?? '').trim().slice(0, 300), action: (params.get('action') ?? '').trim().slice(0, 100) };
}

/** Keys that say what an action did (how many replayed, purged…): shown first, before the inputs and leftovers. */
const OUTCOME_KEYS = ['replayed', 'discarded', 'purged', 'deleted', 'imported', 'created', 'published', 'failed'];

const field = ([k, v]: [string, unknown]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`;

/** A detail object split for the table: the outcome (in OUTCOME_KEYS order), then the other fields as recorded. */
export function detailParts(detail: Record<string, unknown> | null): { outcome: string; rest: string } {
  if (!detail) return { outcome: '', rest: '' };
  const entries = Object.entries(detail);
  const outcome = OUTCOME_KEYS.flatMap((k) => entries.filter(([key]) => key === k));
  const rest = entries.filter(([key]) => !OUTCOME_KEYS.includes(key));
  return { outcome: outcome.map(field).join(', '), rest: rest.map(field).join(', ') };
}

/** A detail object on one line, its outcome first. */
export function detailText(detail: Record<string, unknown> | null): string {
  const { outcome, rest } = detailParts(detail);
  return [outcome, rest].filter(Boolean).join(', ');
}
