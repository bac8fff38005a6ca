import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { consoleSession } from '@/components/auth/console-session';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/components/auth/next-path';
import { Notice } from '@/components/notice';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(typeof raw === 'string' ? raw : null);
  const session = await consoleSession();
  if (session.authRequired && session.actor) redirect(next);
  return (
    <div className="login">
      <div className="page-heading">
        <h1>Sign in</h1>
        <p className="lede">This console changes what the broker does: purges, replays, keys. Sign in as the operator.</p>
      </div>
      {session.authRequired ? (
        <LoginForm next={next} />
      ) : (
        <Notice title="No sign-in needed">
          <p>
            Auth is off: this server listens on loopback and has no <code>HATOBA_ADMIN_TOKEN</code> or <code>HATOBA_ADMIN_PASSWORD</code>.{' '}
            <Link href={next}>Go to the console</Link>.
          </p>
        </Notice>
      )}
    </div>
  );
}
