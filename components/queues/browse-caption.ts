import { formatCount } from '../ui/format';

/**
 * The caption of a queue's message browser. The broker browses in delivery order (by when each
 * entry becomes visible, then by arrival): ready messages first, then those in flight or delayed,
 * by when they come back. A message whose lease expired and was given back, or a delayed one, is
 * therefore not where its age would put it, so the caption does not say "oldest". `depth` comes
 * from another poll than the rows, so it may lag them: never fewer than the rows shown.
 */
export function browseCaption(shown: number, polledDepth: number): string {
  const depth = Math.max(shown, polledDepth);
  return `The next ${formatCount(shown)} of ${formatCount(depth)} ${depth === 1 ? 'message' : 'messages'}, in delivery order (in flight and delayed ones by when they become available again), read without taking them: consumers are not affected.`;
}
