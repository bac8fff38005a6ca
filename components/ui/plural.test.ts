import { describe, expect, it } from 'vitest';
import { countOf, plural } from './format';

describe('plural and countOf', () => {
  it('says one thing in the singular and every other count in the plural', () => {
    expect(countOf(1, 'message')).toBe('1 message');
    expect(countOf(0, 'message')).toBe('0 messages');
    expect(countOf(2, 'dead letter')).toBe('2 dead letters');
    expect(countOf(1234, 'dead-letter queue')).toBe('1,234 dead-letter queues');
    expect(countOf(1, 'dead-letter queue')).toBe('1 dead-letter queue');
  });

  it('takes an irregular plural', () => {
    expect(plural(1, 'entry', 'entries')).toBe('entry');
    expect(plural(3, 'entry', 'entries')).toBe('entries');
    expect(countOf(3, 'entry', 'entries')).toBe('3 entries');
  });
});
