'use client';

import { createTRPCContext } from '@trpc/tanstack-react-query';
// Types only: nothing of the server is bundled into the browser.
import type { AppRouter } from '@/server/trpc/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export { LIVE_MS, liveUntilNotFound } from './live';
