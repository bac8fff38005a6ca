/**
 * Where to go after signing in: a path on this site only. Anything else (another origin,
 * `//host`, `/\host`, a scheme, the login page itself) falls back to the overview, so a crafted
 * `/login?next=` link cannot send an operator elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f]/.test(next)) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return '/';
  return next;
}

/** The login page's address for someone who was on `path`. */
export function loginHref(path: string): string {
  const next = safeNextPath(path);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

export const isLoginPath = (path: string) => path === '/login' || path.startsWith('/login?');
