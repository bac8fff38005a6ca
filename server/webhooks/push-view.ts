import { z } from 'zod';
import type { PushEndpoint } from './push-store';

/** A push endpoint as the HTTP API and the dashboard show it: never its secret (except once when generated), never a password in its URL. */
export const pushViewSchema = z.object({
  queue: z.string(),
  url: z.string(),
  concurrency: z.number(),
  timeoutMs: z.number(),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  secret: z.string().optional().describe('Only in the answer to the PUT that generated it'),
  running: z.boolean().optional().describe('Whether this node runs its delivery loop (true until a stopped loop has settled its requests in flight)'),
});

/**
 * A push URL as shown: a password in it (basic auth for the receiver) is a secret, so it reads
 * `***`; the user name stays, and a URL without a password is shown as stored.
 */
export function displayUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/^([^:/?#]+:\/\/[^/?#@:]*:)[^/?#@]*@/, '$1***@'); // not stored unchecked, but never shown either way
  }
  if (!u.password) return url;
  u.password = '***';
  return u.href;
}

export const pushView = (e: PushEndpoint) => ({
  queue: e.queue,
  url: displayUrl(e.url),
  concurrency: e.concurrency,
  timeoutMs: e.timeoutMs,
  status: e.status,
  disabledReason: e.disabledReason,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
