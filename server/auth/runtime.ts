import type { IncomingMessage } from 'node:http';
// Types only: pages import this file, and must not bundle the database layer behind server/auth.
import type { Security } from '.';

/**
 * How code that Next.js bundles separately (pages, layouts) and the tRPC handler reach this
 * process's Security: the composition root (server/main.ts) registers it before serving.
 */
/** Set by server/http-server.ts on every request it hands to Next.js: the page's path and query (a client's own value is replaced). */
export const PAGE_PATH_HEADER = 'x-hatoba-page';

const RUNTIME = Symbol.for('hatoba.security');

export function setSecurityRuntime(security: Security | undefined): void {
  (globalThis as Record<symbol, unknown>)[RUNTIME] = security;
}

/** The registered Security, or undefined when none is (a page served without server/main.ts, a unit test). */
export function getSecurityRuntime(): Security | undefined {
  return (globalThis as Record<symbol, unknown>)[RUNTIME] as Security | undefined;
}

/**
 * For the dashboard: the principal a request's cookie (or bearer key) names, or null.
 * `authRequired` false means auth is off (loopback without credentials): every request may proceed.
 */
export async function sessionFromRequest(
  req: Pick<IncomingMessage, 'headers' | 'method'>,
): Promise<{ authRequired: boolean; actor: string | null }> {
  const security = getSecurityRuntime();
  if (!security || !security.enabled) return { authRequired: false, actor: null };
  const principal = await security.authenticate(req);
  return { authRequired: true, actor: principal?.actor ?? null };
}
