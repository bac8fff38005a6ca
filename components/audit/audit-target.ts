import { exchangeHref } from '../exchanges/exchange-routing';

/** How the audit log shows an entry's target: as text, linked to its page when it has one. */
export interface AuditTarget {
  text: string;
  /** The console page of what the action touched; null when it has none (or no longer exists). */
  href: string | null;
  /** The full target, for the tooltip (a key's id behind its name). */
  title: string;
}

const enc = encodeURIComponent;

/**
 * A target as an operator reads it: a queue links to its page (not after `queue.delete`: it is
 * gone), an exchange to its page, a key shows its name (the id is in the tooltip) and
 * links to the key list. Anything else is shown as stored.
 */
export function auditTarget(action: string, target: string, detail: unknown): AuditTarget {
  const plain = { text: target, href: null, title: target };
  const [kind, verb] = action.split('.');
  switch (kind) {
    case 'queue':
    case 'push':
      return verb === 'delete' && kind === 'queue' ? plain : { ...plain, href: `/queues/${enc(target)}` };
    case 'exchange':
      return verb === 'delete' ? plain : { ...plain, href: exchangeHref(target) };
    case 'key': {
      const name = keyName(detail);
      return { text: name ?? target, href: '/keys', title: name ? `${name} (key ${target})` : target };
    }
    default:
      return plain;
  }
}

/** A key's name as both key actions record it in their detail (`{name, scopes}`, `{name, prefix}`). */
function keyName(detail: unknown): string | null {
  const name = detail && typeof detail === 'object' ? (detail as { name?: unknown }).name : null;
  return typeof name === 'string' && name.length > 0 ? name : null;
}
