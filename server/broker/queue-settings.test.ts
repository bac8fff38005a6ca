import { describe, expect, it } from 'vitest';
import { resolveQueueSettings } from './queue-settings';

describe('a deadLetter setting that is none of its forms', () => {
  it.each([null, true, 'orders.dlq', 5])('%j is refused naming the three forms', (deadLetter) => {
    expect(() => resolveQueueSettings('q', { deadLetter } as never)).toThrow(
      "deadLetter must be {} (its own '<queue>.dlq'), {exchange, routingKey?} (through an exchange) or false (dropped)",
    );
  });

  it('an object with an unknown key still says which key', () => {
    expect(() => resolveQueueSettings('q', { deadLetter: { queue: 'x' } } as never)).toThrow(/queue/);
  });
});
