// Server components only (next/headers).
import { headers } from 'next/headers';
// Only this small file of server/auth: it holds no database code, just what server/main.ts registered.
import { PAGE_PATH_HEADER, sessionFromRequest } from '@/server/auth/runtime';

export interface ConsoleSession {
  /** False when auth is off (loopback, no credentials): nobody signs in. */
  authRequired: boolean;
  /** `session:operator`, … or null when the request carries no valid session. */
  actor: string | null;
  /** The page being rendered (path and query), as the server saw it; null when unknown. */
  path: string | null;
}

/** The session of the request being rendered, checked the way /v1 and /trpc check it (server/auth). */
export async function consoleSession(): Promise<ConsoleSession> {
  const h = await headers();
  const { authRequired, actor } = await sessionFromRequest({ method: 'GET', headers: Object.fromEntries(h.entries()) });
  return { authRequired, actor, path: h.get(PAGE_PATH_HEADER) };
}
