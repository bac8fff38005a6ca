import type { BrowsedMessage } from '@/server/trpc/schemas';

export interface DeadLetterFilter {
  /** Exact routing key, as the broker's replay filter matches it. */
  routingKey: string;
  /** Case-insensitive substring of the last error, as the broker's replay filter matches it. */
  error: string;
}

export const NO_FILTER: DeadLetterFilter = { routingKey: '', error: '' };

export const isFiltering = (f: DeadLetterFilter) => f.routingKey.trim() !== '' || f.error.trim() !== '';

/** The same rule the broker applies in `replay({filter})`, so the preview count is the count replayed. */
export function matchesFilter(m: Pick<BrowsedMessage, 'routingKey' | 'death'>, f: DeadLetterFilter): boolean {
  const key = f.routingKey.trim();
  const error = f.error.trim().toLowerCase();
  if (key && m.routingKey !== key) return false;
  if (error && !(m.death?.lastError ?? '').toLowerCase().includes(error)) return false;
  return true;
}

export interface ReplayPreview {
  matching: number;
  /** The list shows the oldest `shown` of `depth`: the true count may be higher. */
  lowerBound: boolean;
}

export function previewReplay(messages: BrowsedMessage[], f: DeadLetterFilter, depth: number): ReplayPreview {
  const matching = messages.filter((m) => matchesFilter(m, f)).length;
  return { matching, lowerBound: depth > messages.length && matching > 0 };
}

/** The replay request for a filter: `all` when nothing narrows it (the broker needs one of ids, all, filter). */
export function filterRequest(f: DeadLetterFilter): { all: true } | { filter: { routingKey?: string; error?: string } } {
  if (!isFiltering(f)) return { all: true };
  const filter: { routingKey?: string; error?: string } = {};
  if (f.routingKey.trim()) filter.routingKey = f.routingKey.trim();
  if (f.error.trim()) filter.error = f.error.trim();
  return { filter };
}

/** Selected ids that are still in the list (a refresh may have moved some away). */
export function liveSelection(selected: ReadonlySet<string>, messages: Pick<BrowsedMessage, 'id'>[]): string[] {
  const present = new Set(messages.map((m) => m.id));
  return [...selected].filter((id) => present.has(id));
}

/** Groups reasons for the summary line: "3 max_deliveries, 1 rejected". */
export function reasonCounts(messages: Pick<BrowsedMessage, 'death'>[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const r = m.death?.reason ?? 'unknown';
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** `name: value` lines → headers, for the edit-before-replay form. */
export function parseHeaderLines(s: string): { headers: Record<string, string>; errors: string[] } {
  const headers: Record<string, string> = {};
  const errors: string[] = [];
  for (const raw of s.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) errors.push(`"${line}" is not name: value`);
    else headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, errors };
}

export const headerLines = (h: Record<string, string>) =>
  Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
