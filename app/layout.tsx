import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Providers>
          <SiteHeader />
          <main id="main" className="main">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
