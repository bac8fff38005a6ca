import { describe, expect, it } from 'vitest';
import { tierPromise } from './tier-promise';

describe('tierPromise', () => {
  it('says what each tier promises, in the README words', () => {
    expect(tierPromise('memory')).toBe(
      "Held in this node's memory only: lost on any restart or crash of the node, never written to the database (not even its idempotency keys).",
    );
    expect(tierPromise('durable')).toBe('Stored in the database: a publish is answered after its commit; survives restarts.');
    expect(tierPromise('replicated')).toBe(
      'Stored in the database, and each write waits until a synchronous standby has applied it: lost only by losing the primary and every synchronous standby.',
    );
  });
});
