/**
 * The topology page's options in its query string, so a reload, a shared link or Back from a
 * queue's page shows the same view. Defaults are left out: a plain /topology stays plain.
 *   ?q=orders        the search
 *   &dlqs=0          dead-letter queues hidden (shown by default)
 *   &default=1       the default exchange shown (hidden by default)
 */

export interface TopologyParams {
  filter: string;
  showDlq: boolean;
  showDefault: boolean;
}

export function readTopologyParams(params: { get(name: string): string | null }): TopologyParams {
  return { filter: params.get('q') ?? '', showDlq: params.get('dlqs') !== '0', showDefault: params.get('default') === '1' };
}

/** The query string (without `?`) for `current` with `next` applied; other parameters are kept. */
export function writeTopologyParams(current: string, next: Partial<TopologyParams>): string {
  const p = new URLSearchParams(current);
  const set = (name: string, value: string | null) => (value === null ? p.delete(name) : p.set(name, value));
  if (next.filter !== undefined) set('q', next.filter.trim() === '' ? null : next.filter.trim());
  if (next.showDlq !== undefined) set('dlqs', next.showDlq ? null : '0');
  if (next.showDefault !== undefined) set('default', next.showDefault ? '1' : null);
  return p.toString();
}
