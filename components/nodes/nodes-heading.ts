/**
 * The Nodes page heading: how many nodes, and how many of them are alive when that is not all.
 * While refreshes fail the statuses are as last read (the rows say "unknown"), so the heading
 * does not count them as alive either.
 */
export function nodesHeading(total: number, alive: number, stale: boolean): string {
  const count = total === 1 ? 'One node' : `${total} nodes`;
  if (stale) return `${count}, statuses unknown`;
  return alive === total ? count : `${count}, ${alive} alive`;
}
