'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '@/server/trpc/router';
import { checkedFetch } from './checked-fetch';
import { TRPCProvider } from './client';

const codeOf = (error: unknown) => String((error as { data?: { code?: string } } | null)?.data?.code);

/** A session that ended (logout elsewhere, expiry) while a page was open: sign in again, then come back here. */
function onAuthError(error: unknown) {
  if (typeof window === 'undefined' || codeOf(error) !== 'UNAUTHORIZED' || window.location.pathname === '/login') return;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onAuthError }),
    mutationCache: new MutationCache({ onError: onAuthError }),
    defaultOptions: {
      queries: {
        staleTime: 1000,
        // A broker error (not found, bad input) or a refusal does not get better by asking again.
        retry: (count, error) => count < 2 && !/NOT_FOUND|BAD_REQUEST|UNAUTHORIZED|FORBIDDEN/.test(codeOf(error)),
        refetchIntervalInBackground: false,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** One client per browser tab; a fresh one per server render so requests never share a cache. */
function getQueryClient() {
  if (typeof window === 'undefined') return makeQueryClient();
  return (browserQueryClient ??= makeQueryClient());
}

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // Same origin: the node:http server that serves these pages serves /trpc too.
      links: [httpBatchLink({ url: '/trpc', maxURLLength: 4000, fetch: checkedFetch() })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
