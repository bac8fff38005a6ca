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

/**
 * Newest-first pages over a cursor API: `cursors[i]` is what page i was asked with (undefined
 * for the first). Going older pushes the page's nextCursor; going newer pops.
 */
export interface Paging {
  cursors: (number | undefined)[];
}

export const firstPage = (): Paging => ({ cursors: [undefined] });
export const currentCursor = (p: Paging) => p.cursors[p.cursors.length - 1];
export const pageNumber = (p: Paging) => p.cursors.length;
export const older = (p: Paging, nextCursor: number | null): Paging => (nextCursor === null ? p : { cursors: [...p.cursors, nextCursor] });
export const newer = (p: Paging): Paging => (p.cursors.length > 1 ? { cursors: p.cursors.slice(0, -1) } : p);

/** A detail object in one short line for the table. */
export function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
