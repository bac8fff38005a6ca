import { describe, expect, it } from 'vitest';
import { chooseDlq } from './dlq-choice';

const dlq = (name: string, depth: number) => ({ name, depth });

describe('chooseDlq', () => {
  it('without a queue asked for, picks the first DLQ that holds dead letters, and says the URL needs it', () => {
    expect(chooseDlq([dlq('a.dlq', 0), dlq('b.dlq', 5), dlq('c.dlq', 2)], null)).toEqual({ kind: 'shown', name: 'b.dlq', chosen: true });
    expect(chooseDlq([dlq('a.dlq', 0), dlq('b.dlq', 0)], null)).toEqual({ kind: 'shown', name: 'a.dlq', chosen: true });
  });

  it('keeps the queue asked for when another one fills up (the page does not switch by itself)', () => {
    const first = chooseDlq([dlq('a.dlq', 0), dlq('b.dlq', 5)], null);
    expect(first).toMatchObject({ name: 'b.dlq' });
    // A dead letter arrives in a.dlq, earlier in the list: the next poll still shows b.dlq.
    expect(chooseDlq([dlq('a.dlq', 1), dlq('b.dlq', 5)], 'b.dlq')).toEqual({ kind: 'shown', name: 'b.dlq', chosen: false });
    // Even when it is empty now.
    expect(chooseDlq([dlq('a.dlq', 1), dlq('b.dlq', 0)], 'b.dlq')).toEqual({ kind: 'shown', name: 'b.dlq', chosen: false });
  });

  it('says so when the queue asked for is not there, instead of showing another one', () => {
    const list = [dlq('inventory.dlq', 1), dlq('notification.dlq', 149)];
    expect(chooseDlq(list, 'nope.dlq')).toEqual({ kind: 'missing', requested: 'nope.dlq', notDlq: false, suggestion: null });
    // An ordinary queue's name: not a DLQ; its own DLQ is offered when it has one.
    expect(chooseDlq(list, 'notification')).toEqual({ kind: 'missing', requested: 'notification', notDlq: true, suggestion: 'notification.dlq' });
    expect(chooseDlq(list, 'orders')).toEqual({ kind: 'missing', requested: 'orders', notDlq: true, suggestion: null });
  });

  it('treats an empty ?queue= as no queue asked for', () => {
    expect(chooseDlq([dlq('a.dlq', 0), dlq('b.dlq', 2)], '')).toEqual({ kind: 'shown', name: 'b.dlq', chosen: true });
  });

  it('has nothing to show when there is no DLQ', () => {
    expect(chooseDlq([], null)).toEqual({ kind: 'none' });
    expect(chooseDlq([], 'x.dlq')).toEqual({ kind: 'missing', requested: 'x.dlq', notDlq: false, suggestion: null });
  });
});
