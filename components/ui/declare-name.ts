import { isReservedName } from '../../server/broker/name-rules';

// The broker's rule (server/broker/names.ts), repeated here because that file throws BrokerError
// and this one must stay small enough for the browser bundle; the server still has the last word.
const NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * What is wrong with a name typed into a "New queue" or "New exchange" form, or null. Only the
 * obvious: empty, characters the broker refuses, dot segments, the reserved `amq.` space.
 */
export function declareNameProblem(kind: 'queue' | 'exchange', name: string): string | null {
  if (name === '') return `Give the ${kind} a name`;
  if (name === '.' || name === '..') return `'${name}' cannot be a name: URLs resolve it as a path segment`;
  if (!NAME.test(name)) return `The ${kind} name can only have 1–200 characters of A-Z a-z 0-9 _ . : - (no spaces)`;
  if (isReservedName(name)) return "Names starting with 'amq.' are reserved for the broker";
  return null;
}

/** A routing key or binding key as the broker takes it (up to 255 characters, no white space), or what is wrong with it. */
export function keyProblem(what: string, key: string): string | null {
  if (key.length > 255) return `The ${what} is longer than 255 characters`;
  if (/[\s\p{Cc}]/u.test(key)) return `The ${what} has white space in it: use dots between words (order.created)`;
  return null;
}
