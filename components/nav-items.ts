export interface NavItem {
  href: string;
  label: string;
}

/** The dashboard's sections, in the order the header shows them. */
export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/topology', label: 'Topology' },
  { href: '/exchanges', label: 'Exchanges' },
  { href: '/queues', label: 'Queues' },
  { href: '/messages', label: 'Messages' },
  { href: '/traces', label: 'Traces' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/history', label: 'History' },
  { href: '/webhooks', label: 'Webhooks' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/keys', label: 'Keys' },
  { href: '/audit', label: 'Audit' },
];

/** A section stays highlighted on its own sub-pages (`/queues/orders`); Overview only at `/`. */
export function isActive(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
