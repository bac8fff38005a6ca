import { describe, expect, it } from 'vitest';
import { publishErrorNotice } from './publish-error';

const unknown = {
  brokerCode: 'database_timeout',
  message: 'The database did not confirm this publish within 15 s; it may still take effect when the database answers: retry with the same Idempotency-Key to keep a single copy',
};
const notWritten = {
  brokerCode: 'database_timeout',
  message: 'The database did not take this publish within 15 s (earlier work was still waiting on it); nothing of it was written: retry',
};

describe('publishErrorNotice', () => {
  it('says a timed-out publish that may still commit is not confirmed yet, without advising an Idempotency-Key the form lacks', () => {
    const n = publishErrorNotice(unknown, 'replicated');
    expect(n.title).toBe('Not confirmed yet');
    expect(n.text).toMatch(/may still appear in this queue/);
    expect(n.text).toMatch(/no synchronous standby is answering/);
    expect(n.text).toMatch(/Publishing again could make a second copy/);
    expect(n.text).not.toMatch(/Idempotency-Key/);
  });

  it('gives no standby cause for a durable queue', () => {
    const n = publishErrorNotice(unknown, 'durable');
    expect(n.title).toBe('Not confirmed yet');
    expect(n.text).not.toMatch(/standby/);
    expect(n.text).not.toMatch(/Idempotency-Key/);
  });

  it('reads a timeout without a readable verdict as "may still commit" (the safe side)', () => {
    expect(publishErrorNotice({ brokerCode: 'database_timeout', message: 'timed out' }, 'durable').title).toBe('Not confirmed yet');
  });

  it('says "Not published" when nothing was written, and that retrying is safe', () => {
    const n = publishErrorNotice(notWritten, 'replicated');
    expect(n.title).toBe('Not published');
    expect(n.text).toMatch(/Nothing of it was written/);
    expect(n.text).toMatch(/Publishing again makes no second copy/);
    expect(n.text).toMatch(/no synchronous standby is answering/);
  });

  it('says why a replicated queue refused it', () => {
    const n = publishErrorNotice({ brokerCode: 'replication_unavailable', message: "Queue 'ledger' cannot be replicated: no synchronous standby is streaming" }, 'replicated');
    expect(n.title).toBe('Not published');
    expect(n.text).toMatch(/^Queue 'ledger' cannot be replicated: no synchronous standby is streaming\./);
    expect(n.text).toMatch(/Nothing was written/);
  });

  it('on the exchange page, points at the queues the exchange routes to rather than "this queue"', () => {
    const n = publishErrorNotice(unknown, undefined, 'exchange');
    expect(n.title).toBe('Not confirmed yet');
    expect(n.text).toMatch(/may still appear in the queues this exchange routes it to/);
    expect(n.text).not.toMatch(/this queue|standby|Idempotency-Key/);
    expect(publishErrorNotice(notWritten, undefined, 'exchange').text).toMatch(/Nothing of it was written/);
  });

  it('passes other errors through', () => {
    expect(publishErrorNotice({ brokerCode: 'queue_not_found', message: "Queue 'x' not found" }, 'durable')).toEqual({ title: 'Not published', text: "Queue 'x' not found" });
    expect(publishErrorNotice({ brokerCode: null, message: 'Cannot reach the Hatoba server' }, undefined)).toEqual({ title: 'Not published', text: 'Cannot reach the Hatoba server' });
  });
});
