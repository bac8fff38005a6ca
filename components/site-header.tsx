import Link from 'next/link';
import { SignOutButton } from './auth/sign-out-button';
import { MainNav } from './main-nav';

/**
 * The brand, the sections and, when signed in, who is signed in and "Sign out". With auth on
 * and no session (the login page) the sections are left out: each would lead back to it.
 */
export function SiteHeader({ authRequired = false, actor = null }: { authRequired?: boolean; actor?: string | null }) {
  const signedIn = authRequired && actor !== null;
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          Hatoba{' '}
          <span lang="ja" className="brand__ja">
            波止場
          </span>
        </Link>
        {(!authRequired || signedIn) && <MainNav />}
        {signedIn && <SignOutButton actor={actor} />}
      </div>
    </header>
  );
}
