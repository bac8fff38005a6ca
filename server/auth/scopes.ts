/**
 * What a request needs and what a key's scopes grant (API.md, Security). Pure.
 *
 * Scopes: `publish:<exchange pattern>`, `consume:<queue pattern>`, `manage` (topology,
 * replay, purge, sources, push), `monitoring` (read-only views and /metrics), `admin`
 * (everything, and keys). A pattern's `*` stands for any run of characters: `publish:orders*`.
 * Each scope allows exactly what it names; only `admin` implies the others.
 */
export type Need =
  /** No key at all (signed webhooks, whose signature is their credential). */
  | { kind: 'public' }
  | { kind: 'publish'; exchange: string }
  | { kind: 'consume'; queue: string }
  | { kind: 'manage' }
  | { kind: 'monitoring' }
  | { kind: 'admin' };

export const needs = {
  public: { kind: 'public' } as Need,
  manage: { kind: 'manage' } as Need,
  monitoring: { kind: 'monitoring' } as Need,
  admin: { kind: 'admin' } as Need,
  publish: (exchange: string): Need => ({ kind: 'publish', exchange }),
  consume: (queue: string): Need => ({ kind: 'consume', queue }),
};

const FIXED = new Set(['manage', 'monitoring', 'admin']);
const MAX_PATTERN = 200;
/** The first character of a pattern that is neither a name's (A-Z a-z 0-9 _ . : -) nor `*`. */
const PATTERN_CHARS = /[^A-Za-z0-9_.:*-]/u;

/** Why a scope string is not one, or null when it is valid. */
export function scopeProblem(scope: string): string | null {
  if (FIXED.has(scope)) return null;
  const colon = scope.indexOf(':');
  const kind = scope.slice(0, colon);
  const pattern = scope.slice(colon + 1);
  if (colon < 0 || (kind !== 'publish' && kind !== 'consume')) {
    return `'${scope.slice(0, 100)}' is not a scope: use publish:<exchange pattern>, consume:<queue pattern>, manage, monitoring or admin`;
  }
  if (pattern.length === 0 || pattern.length > MAX_PATTERN) return `The pattern of '${scope.slice(0, 100)}' must be 1–${MAX_PATTERN} characters`;
  // Names hold only A-Z a-z 0-9 _ . : - (server/broker/names.ts): a pattern with anything else
  // (a space, a slash, `?`) could never match one, and the key would be refused everywhere.
  const bad = PATTERN_CHARS.exec(pattern);
  if (bad) {
    return `The pattern of '${scope.slice(0, 100)}' contains ${JSON.stringify(bad[0])}, which no ${kind === 'publish' ? 'exchange' : 'queue'} name can hold: use A-Z a-z 0-9 _ . : - and * (any run of characters)`;
  }
  return null;
}

/** `*` matches any run of characters (also none); everything else matches itself. */
export function matchPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = name.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/** Do these scopes cover the need? */
export function covers(scopes: readonly string[], need: Need): boolean {
  if (need.kind === 'public') return true;
  if (scopes.includes('admin')) return true;
  switch (need.kind) {
    case 'manage':
    case 'monitoring':
      return scopes.includes(need.kind);
    case 'admin':
      return false;
    case 'publish':
      return scopes.some((s) => s.startsWith('publish:') && matchPattern(s.slice(8), need.exchange));
    case 'consume':
      return scopes.some((s) => s.startsWith('consume:') && matchPattern(s.slice(8), need.queue));
  }
}

export const describeNeed = (need: Need): string =>
  need.kind === 'publish' ? `publish:${need.exchange}` : need.kind === 'consume' ? `consume:${need.queue}` : need.kind;
