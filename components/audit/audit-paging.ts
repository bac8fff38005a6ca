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

/** The filter as the URL keeps it (`?actor=&action=`), trimmed; absent or blank is no filter. */
export function parseAuditFilter(params: { get(name: string): string | null }): { actor: string; action: string } {
  return { actor: (params.get('actor') ?? '').trim().slice(0, 300), action: (params.get('action') ?? '').trim().slice(0, 100) };
}

/** A detail object in one short line for the table. */
export function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
