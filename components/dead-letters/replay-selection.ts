import type { BrowsedMessage } from '@/server/trpc/schemas';

export interface DeadLetterFilter {
  /** Exact routing key, as the broker's replay filter matches it. */
  routingKey: string;
  /** Case-insensitive substring of the last error, as the broker's replay filter matches it. */
  error: string;
}

export const NO_FILTER: DeadLetterFilter = { routingKey: '', error: '' };

export const isFiltering = (f: DeadLetterFilter) => f.routingKey.trim() !== '' || f.error.trim() !== '';

/** The replay request for a filter: `all` when nothing narrows it (the broker needs one of ids, all, filter). */
export function filterRequest(f: DeadLetterFilter): { all: true } | { filter: { routingKey?: string; error?: string } } {
  if (!isFiltering(f)) return { all: true };
  const filter: { routingKey?: string; error?: string } = {};
  if (f.routingKey.trim()) filter.routingKey = f.routingKey.trim();
  if (f.error.trim()) filter.error = f.error.trim();
  return { filter };
}

/**
 * The replay request the operator confirmed from a preview: the filter (or `all`), bounded by the
 * preview's `readAt` (`filter.arrivedBy`), so dead letters that arrive after it stay in the DLQ and
 * the replay moves no more than the count the preview showed.
 */
export function previewedRequest(
  f: DeadLetterFilter,
  readAt: string,
): { all: true; filter: { arrivedBy: string } } | { filter: { routingKey?: string; error?: string; arrivedBy: string } } {
  const r = filterRequest(f);
  return 'all' in r ? { all: true, filter: { arrivedBy: readAt } } : { filter: { ...r.filter, arrivedBy: readAt } };
}

/** Selected ids that are still in the list shown (a refresh or a page change may have moved some away). */
export function liveSelection(selected: ReadonlySet<string>, messages: Pick<BrowsedMessage, 'id'>[]): string[] {
  const present = new Set(messages.map((m) => m.id));
  return [...selected].filter((id) => present.has(id));
}

/** `name: value` lines → headers, for the edit-before-replay form. */
export function parseHeaderLines(s: string): { headers: Record<string, string>; errors: string[] } {
  const headers: Record<string, string> = {};
  const errors: string[] = [];
  for (const raw of s.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) {
      errors.push(`"${line}" is not name: value`);
      continue;
    }
    const name = line.slice(0, i).trim().toLowerCase();
    // Names are case-insensitive and a message keeps one value per name: a second line would
    // silently replace the first, so it is refused instead.
    // An object's own `__proto__` cannot be set by assignment: the line would vanish unseen (the server refuses the name too).
    if (name === '__proto__') errors.push('"__proto__" is a reserved name');
    else if (Object.hasOwn(headers, name)) errors.push(`"${name}" is given twice: keep one line for it`);
    else headers[name] = line.slice(i + 1).trim();
  }
  return { headers, errors };
}

export const headerLines = (h: Record<string, string>) =>
  Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
