import type { Keys } from './keys';

/** A key's name and prefix, for the audit entry of its revocation: the id alone says nothing to a reader. */
export async function keyNamed(keys: Pick<Keys, 'byId'>, id: string): Promise<{ name: string; prefix: string } | null> {
  const key = await keys.byId(id);
  return key ? { name: key.name, prefix: key.prefix } : null;
}
