import { isDotSegment, isReservedName, KEY_PATTERN, MAX_KEY_LENGTH, NAME_PATTERN } from '../../server/broker/name-rules';

/**
 * What is wrong with a name typed into a "New queue" or "New exchange" form, or null: the
 * broker's rules (server/broker/name-rules.ts), said for a form. The server still has the last word.
 */
export function declareNameProblem(kind: 'queue' | 'exchange', name: string): string | null {
  if (name === '') return `Give the ${kind} a name`;
  if (isDotSegment(name)) return `'${name}' cannot be a name: URLs resolve it as a path segment`;
  if (!NAME_PATTERN.test(name)) return `The ${kind} name can only have 1–200 characters of A-Z a-z 0-9 _ . : - (no spaces)`;
  if (isReservedName(name)) return "Names starting with 'amq.' are reserved for the broker";
  return null;
}

/** A routing key or binding key as the broker takes it (up to 255 characters, no white space), or what is wrong with it. */
export function keyProblem(what: string, key: string): string | null {
  if (key.length > MAX_KEY_LENGTH) return `The ${what} is longer than ${MAX_KEY_LENGTH} characters`;
  if (/[\s\p{Cc}]/u.test(key)) return `The ${what} has white space in it: use dots between words (order.created)`;
  if (!KEY_PATTERN.test(key)) return `The ${what} has a lone UTF-16 surrogate in it (half of an emoji or other character)`;
  return null;
}
