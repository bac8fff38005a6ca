'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { NAV_ITEMS, isActive } from './nav-items';
import { centeredScrollLeft } from './nav-scroll';

export function MainNav() {
  const pathname = usePathname();
  const row = useRef<HTMLUListElement>(null);

  // On a phone the sections are one row that scrolls sideways (globals.css): bring the current one
  // into view. Setting scrollLeft, not scrollIntoView, so the page itself never jumps. The row is
  // positioned, so an item's offsetLeft is measured in it.
  useEffect(() => {
    const ul = row.current;
    const current = ul?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!ul || !current || ul.scrollWidth <= ul.clientWidth) return;
    const item = current.closest('li') ?? current;
    ul.scrollLeft = centeredScrollLeft({ itemLeft: item.offsetLeft, itemWidth: item.offsetWidth, clientWidth: ul.clientWidth, scrollWidth: ul.scrollWidth });
  }, [pathname]);

  return (
    <nav aria-label="Main" className="main-nav">
      <ul ref={row} className="edge-shadows">
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
