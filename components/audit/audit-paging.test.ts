import { describe, expect, it } from 'vitest';
import { actionsLike, detailParts, detailText, parseAuditFilter } from './audit-paging';

describe('audit paging', () => {
  it('reads the filter from the URL, trimmed, blank when absent', () => {
    expect(parseAuditFilter(new URLSearchParams(''))).toEqual({ actor: '', action: '' });
    expect(parseAuditFilter(new URLSearchParams('actor=%20session%3Aoperator%20&action=queue.purge&page=2'))).toEqual({
      actor: 'session:operator',
      action: 'queue.purge',
    });
    // Longer than the API accepts is cut, not sent to fail.
    expect(parseAuditFilter(new URLSearchParams(`actor=${'a'.repeat(400)}`)).actor).toHaveLength(300);
  });

  it('shows details on one line', () => {
    expect(detailText(null)).toBe('');
    expect(detailText({ name: 'ci', scopes: ['monitoring'] })).toBe('name: ci, scopes: ["monitoring"]');
  });

  it('puts the outcome first: a replay says how many were replayed before what it skipped', () => {
    const replay = { more: false, skipped: { unroutable: 1, gone: 0 }, replayed: 2 };
    expect(detailParts(replay)).toEqual({ outcome: 'replayed: 2', rest: 'more: false, skipped: {"unroutable":1,"gone":0}' });
    expect(detailText(replay)).toBe('replayed: 2, more: false, skipped: {"unroutable":1,"gone":0}');
    expect(detailText({ ids: ['a', 'b'], discarded: 2 })).toBe('discarded: 2, ids: ["a","b"]');
    expect(detailText({ name: 'ci', purged: 3 })).toBe('purged: 3, name: ci');
    // Several outcomes keep one order whatever order they were recorded in.
    expect(detailParts({ failed: 1, replayed: 4, from: 'x' }).outcome).toBe('replayed: 4, failed: 1');
    expect(detailParts({ created: true }).rest).toBe('');
  });

  it('suggests the exact action names a partial filter may have meant', () => {
    expect(actionsLike('queue')).toEqual(['queue.declare', 'queue.delete', 'queue.purge', 'queue.replay', 'queue.discard', 'queue.publish']);
    expect(actionsLike(' Session.log ')).toEqual(['session.login', 'session.login_failed', 'session.logout']);
    expect(actionsLike('replay')).toEqual(['exchange.replay', 'queue.replay']);
    expect(actionsLike('publish')).toEqual(['exchange.publish', 'queue.publish']);
    expect(actionsLike('queue.purge')).toEqual([]);
    expect(actionsLike('')).toEqual([]);
    expect(actionsLike('nothing-like-it')).toEqual([]);
  });
});
