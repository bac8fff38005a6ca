'use client';

import { createTRPCContext } from '@trpc/tanstack-react-query';
// Types only: nothing of the server is bundled into the browser.
import type { AppRouter } from '@/server/trpc/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Live views poll this often (ms): the console promises figures no older than 2 s. */
export const LIVE_MS = 2000;
