import Link from 'next/link';
import { MainNav } from './main-nav';

export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          Hatoba{' '}
          <span lang="ja" className="brand__ja">
            波止場
          </span>
        </Link>
        <MainNav />
      </div>
    </header>
  );
}
