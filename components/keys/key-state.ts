/**
 * What the Keys page may promise. With auth off (loopback, neither HATOBA_ADMIN_TOKEN nor
 * HATOBA_ADMIN_PASSWORD set) every request is let in whatever key it carries, so keys are stored
 * but not checked and revoking one changes nothing until auth is turned on.
 */

/** `true`/`false` once the server said; `null` while unknown (loading, or the answer failed). */
export type Enforcement = boolean | null;

/** The revoke confirmation's sentence about the key's requests. */
export function revokeEffect(prefix: string, enforced: Enforcement): string {
  if (enforced === false) {
    return `Auth is off on this server, so requests with ${prefix}… are let in now and stay let in until auth is turned on; from then on they are refused, on every node.`;
  }
  if (enforced === null) return `Requests with ${prefix}… are refused at once, on every node, whenever auth is on.`;
  return `Requests with ${prefix}… are refused at once, on every node.`;
}

/** The notice shown after a revoke. */
export function revokedMessage(name: string, enforced: Enforcement): string {
  if (enforced === false) return `Revoked ${name}. Auth is off, so nothing changes until auth is turned on; then it is refused, on every node.`;
  return `Revoked ${name}: it is refused from now on, on every node.`;
}

export interface FreshKey {
  id: string;
  name: string;
  secret: string;
}

/**
 * The just-made key's secret panel stays open only while that key is live: revoked here or
 * elsewhere (the list says so), the secret is worthless and must not invite copying.
 */
export function freshKeyToShow(fresh: FreshKey | null, keys: readonly { id: string; revokedAt: string | null }[] | undefined): FreshKey | null {
  if (!fresh) return null;
  return keys?.some((k) => k.id === fresh.id && k.revokedAt) ? null : fresh;
}
