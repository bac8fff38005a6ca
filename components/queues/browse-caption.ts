import { formatCount } from '../ui/format';

/**
 * The caption of a queue's message browser. The broker browses in delivery order (by when each
 * entry becomes visible, then by arrival): ready messages first, then those in flight or delayed,
 * by when they come back. A message whose lease expired and was given back, or a delayed one, is
 * therefore not where its age would put it, so the caption does not say "oldest". `depth` comes
 * from another poll than the rows, so it may lag them: never fewer than the rows shown.
 */
export function browseCaption(shown: number, polledDepth: number): string {
  const depth = Math.max(shown, polledDepth);
  return `The next ${formatCount(shown)} of ${formatCount(depth)} ${depth === 1 ? 'message' : 'messages'}, in delivery order (in flight and delayed ones by when they become available again), read without taking them: consumers are not affected.`;
}

/** The most rows one browse reads (the procedure refuses more). */
export const BROWSE_MAX = 500;

/**
 * The control under the browsed rows. "Show more" doubles the rows, up to BROWSE_MAX; while they
 * load, the rows shown stay (the page does not collapse to "Loading…" and lose its place) and the
 * button says so. At BROWSE_MAX it offered "Show more (up to 500)" again, which did nothing: it
 * says instead that this is as many as the page shows.
 */
export function showMoreControl(p: { shown: number; limit: number; depth: number; loading: boolean }):
  | { kind: 'button'; label: string; next: number; disabled: boolean }
  | { kind: 'max'; text: string }
  | null {
  if (p.loading) return { kind: 'button', label: `Loading up to ${formatCount(p.limit)}…`, next: p.limit, disabled: true };
  if (p.shown < p.limit || p.depth <= p.limit) return null;
  if (p.limit >= BROWSE_MAX) return { kind: 'max', text: `The browser shows at most the next ${formatCount(BROWSE_MAX)} messages.` };
  const next = Math.min(BROWSE_MAX, p.limit * 2);
  return { kind: 'button', label: `Show more (up to ${formatCount(next)})`, next, disabled: false };
}
