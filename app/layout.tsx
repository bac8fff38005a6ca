import type { Metadata, Viewport } from 'next';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { consoleSession } from '@/components/auth/console-session';
import { isLoginPath, loginHref } from '@/components/auth/next-path';
import { SiteHeader } from '@/components/site-header';
import { Providers } from '@/components/trpc/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Hatoba', template: '%s · Hatoba' },
  description: 'Messaging console and HTTP-to-queue gateway',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#161b22' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The server already sends a page request without a session to /login (server/http-server.ts);
  // this is the same rule where the page is rendered, so no page renders for a stranger.
  const session = await consoleSession();
  if (session.authRequired && !session.actor && session.path !== null && !isLoginPath(session.path)) redirect(loginHref(session.path));
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Providers>
          <SiteHeader authRequired={session.authRequired} actor={session.actor} />
          <main id="main" className="main">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
