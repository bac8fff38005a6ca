import { describe, expect, it } from 'vitest';
import { queueDeleteLosses } from './delete-summary';

const none = { ready: 0, inFlight: 0, delayed: 0 };

describe('queueDeleteLosses', () => {
  it('says an empty queue with no bindings and no DLQ loses nothing but itself', () => {
    expect(queueDeleteLosses('jobs', none, [], null)).toEqual([
      'jobs holds no message now; any that arrives before you confirm is deleted with it.',
      'This cannot be undone; declaring the name again makes a new, empty queue.',
    ]);
  });

  it('counts the messages, names the exchanges of its bindings and keeps the DLQ', () => {
    expect(queueDeleteLosses('jobs', { ready: 1200, inFlight: 3, delayed: 0 }, ['orders', 'audit', 'orders'], 'jobs.dlq')).toEqual([
      'All 1,203 messages (1,200 ready and 3 in flight) are deleted with it; a consumer holding one can no longer ack it.',
      'Its 3 bindings (from audit, orders) go too: messages routed by them reach no queue.',
      'Its dead-letter queue jobs.dlq stays, with what it holds: delete it separately if you no longer want it.',
      'This cannot be undone; declaring the name again makes a new, empty queue.',
    ]);
  });

  it('says one message in the singular, and the bindings generally while they are unknown', () => {
    const lines = queueDeleteLosses('jobs', { ready: 0, inFlight: 0, delayed: 1 }, null, null);
    expect(lines[0]).toBe('Its one message (1 delayed) is deleted with it.');
    expect(lines[1]).toBe('Its bindings go too: no exchange routes to it any more.');
  });
});
