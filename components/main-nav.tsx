'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { NAV_ITEMS, isActive } from './nav-items';

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="main-nav">
      <ul>
        {NAV_ITEMS.map((item) => (
          <li key={item.href}>
            {/* No prefetch: every section polls the broker once open; prefetching all of them would load it for nothing. */}
            <Link
              href={item.href}
              prefetch={false}
              aria-current={isActive(item.href, pathname) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
